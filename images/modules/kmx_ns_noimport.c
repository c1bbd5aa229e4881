// SPDX-License-Identifier: GPL-2.0
/*
 * Uses KMX_TEST_NS's symbol WITHOUT importing the namespace. modpost refuses
 * to build this normally; it is built against a Module.symvers whose
 * namespace column was emptied, exactly what a stale or hand-made symvers
 * does in the wild. The kernel must still refuse to load it.
 */
#include <linux/module.h>
#include "kmx_compat.h"

static int __init kmx_ns_noimport_init(void)
{
	pr_info("kmx: kmx_ns_noimport loaded, kmx_ns_value() = %d\n", kmx_ns_value());
	return 0;
}

static void __exit kmx_ns_noimport_exit(void)
{
}

module_init(kmx_ns_noimport_init);
module_exit(kmx_ns_noimport_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kmod-matrix: uses a namespaced symbol without importing it");
