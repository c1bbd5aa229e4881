// SPDX-License-Identifier: GPL-2.0
/* MODULE_WEAKDEP exists from 6.11: recorded by depmod, never loaded by modprobe. */
#include <linux/module.h>
#include "kmx_compat.h"

KMX_SIMPLE_MODULE(kmx_weakdep_main);
#ifdef MODULE_WEAKDEP
MODULE_WEAKDEP("kmx_softdep_plain");
#endif
