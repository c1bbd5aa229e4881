// SPDX-License-Identifier: GPL-2.0
/* Exports one symbol into the KMX_TEST_NS symbol namespace. */
#include <linux/module.h>
#include "kmx_compat.h"

int kmx_ns_value(void)
{
	return 42;
}
EXPORT_SYMBOL_NS_GPL(kmx_ns_value, KMX_NS);

KMX_SIMPLE_MODULE(kmx_ns_exporter);
