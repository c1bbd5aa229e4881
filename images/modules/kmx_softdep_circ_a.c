// SPDX-License-Identifier: GPL-2.0
/* Soft-depends on kmx_softdep_circ_b, which soft-depends on this one. */
#include <linux/module.h>
#include "kmx_compat.h"

KMX_SIMPLE_MODULE(kmx_softdep_circ_a);
MODULE_SOFTDEP("pre: kmx_softdep_circ_b");
