// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include "kmx_compat.h"

KMX_SIMPLE_MODULE(kmx_softdep_plain);
