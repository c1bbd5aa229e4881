/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmod-matrix test modules: what differs between the kernels we build for.
 * Symbol namespaces are a bare identifier up to 6.12 and a string literal
 * from 6.13 on.
 */
#ifndef KMX_COMPAT_H
#define KMX_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define KMX_NS "KMX_TEST_NS"
#else
#define KMX_NS KMX_TEST_NS
#endif

/* Exported by kmx_ns_exporter into KMX_NS; one prototype for every user. */
int kmx_ns_value(void);

/* Every module says when it loads and unloads, so scripts can check order. */
#define KMX_SIMPLE_MODULE(name)                                   \
	static int __init name##_init(void)                       \
	{                                                         \
		pr_info("kmx: " #name " loaded\n");                \
		return 0;                                         \
	}                                                         \
	static void __exit name##_exit(void)                      \
	{                                                         \
		pr_info("kmx: " #name " unloaded\n");              \
	}                                                         \
	module_init(name##_init);                                 \
	module_exit(name##_exit);                                 \
	MODULE_LICENSE("GPL");                                    \
	MODULE_DESCRIPTION("kmod-matrix test module " #name)

#endif
