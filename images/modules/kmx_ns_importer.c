// SPDX-License-Identifier: GPL-2.0
/* Imports KMX_TEST_NS properly and uses its symbol. */
#include <linux/module.h>
#include "kmx_compat.h"

static int __init kmx_ns_importer_init(void)
{
	pr_info("kmx: kmx_ns_importer loaded, kmx_ns_value() = %d\n", kmx_ns_value());
	return 0;
}

static void __exit kmx_ns_importer_exit(void)
{
	pr_info("kmx: kmx_ns_importer unloaded\n");
}

module_init(kmx_ns_importer_init);
module_exit(kmx_ns_importer_exit);
MODULE_IMPORT_NS(KMX_NS);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kmod-matrix: imports a symbol namespace");
