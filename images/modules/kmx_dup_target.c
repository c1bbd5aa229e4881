// SPDX-License-Identifier: GPL-2.0
/*
 * Target of concurrent-load storms. A little data makes every wasted
 * duplicate allocation visible in /sys/kernel/debug/modules/stats.
 */
#include <linux/module.h>
#include "kmx_compat.h"

static char kmx_dup_ballast[64 * 1024] __used = { 1 };

KMX_SIMPLE_MODULE(kmx_dup_target);
