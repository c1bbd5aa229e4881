// SPDX-License-Identifier: GPL-2.0
/* Declares a soft pre- and post-dependency. */
#include <linux/module.h>
#include "kmx_compat.h"

KMX_SIMPLE_MODULE(kmx_softdep_main);
MODULE_SOFTDEP("pre: kmx_softdep_pre post: kmx_softdep_post");
