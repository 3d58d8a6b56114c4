// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_nested: what a nested guest saw of a vGPU passed to it with QEMU's
 * -device vfio-pci,sysfsdev= (in tools/vm/suites/vgpu-display-nested.sh).
 * The L2 script wrote KEY=value lines to $VGPU_NESTED_OUTPUT; each subtest
 * checks some of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vgpu_if.h>

#include "igt_core.h"

static char facts[8192];

/* The value of KEY in the L2 output, or NULL. */
static const char *fact(const char *key)
{
	static char val[256];
	size_t n = strlen(key);
	const char *p = facts, *e;

	while ((p = strstr(p, key))) {
		if ((p == facts || p[-1] == '\n') && p[n] == '=') {
			p += n + 1;
			e = strchr(p, '\n');
			n = e ? (size_t)(e - p) : strlen(p);
			n = n < sizeof(val) - 1 ? n : sizeof(val) - 1;
			memcpy(val, p, n);
			val[n] = 0;
			while (n && val[n - 1] == '\r')
				val[--n] = 0;
			return val;
		}
		p += n;
	}
	return NULL;
}

static void setup(void *data)
{
	const char *path = getenv("VGPU_NESTED_OUTPUT");
	size_t n;
	FILE *f;

	(void)data;
	igt_require_f(path, "VGPU_NESTED_OUTPUT not set (run the vgpu-nested suite)\n");
	f = fopen(path, "r");
	igt_require_f(f, "no L2 output at %s\n", path);
	n = fread(facts, 1, sizeof(facts) - 1, f);
	facts[n] = 0;
	fclose(f);
	igt_assert_f(fact("VGPU_SCRIPT_DONE"), "the L2 script did not finish\n");
}

static unsigned long long num(const char *key)
{
	const char *v = fact(key);

	igt_assert_f(v, "L2 reported no %s\n", key);
	return strtoull(v, NULL, 0);
}

static void pci_ids(void *data)
{
	(void)data;
	igt_assert_f(fact("VGPU_FOUND"), "L2 has no 1234:5647 device\n");
	igt_assert_eq_u64(num("VGPU_CLASS"), VGPU_PCI_CLASS);
	igt_assert_eq_str(fact("VGPU_SUBSYSTEM"), "0x1234:0x0001");
}

static void bar0(void *data)
{
	(void)data;
	igt_assert_eq_u64(num("VGPU_BAR0_SIZE"), VGPU_BAR0_SIZE);
	/* IORESOURCE_MEM | IORESOURCE_MEM_64 */
	igt_assert((num("VGPU_BAR0_FLAGS") & 0x100200) == 0x100200);
}

static void msi_capability(void *data)
{
	(void)data;
	igt_assert_eq_u64(strtoull(fact("VGPU_CAP_PTR"), NULL, 16),
			  VGPU_PCI_CAP_PTR);
	igt_assert_eq_u64(strtoull(fact("VGPU_CAP_ID"), NULL, 16), 5);
}

static void pv_magic_through_bar0(void *data)
{
	const char *v;

	(void)data;
	v = fact("VGPU_PV_MAGIC");
	igt_require_f(v && *v, "L2 could not read BAR0 (no devmem?)\n");
	igt_assert_eq_u64(strtoull(v, NULL, 16), (__u32)VGPU_PV_MAGIC);
}

static const struct igt_subtest subtests[] = {
	{ "pci-ids", pci_ids, "L2 sees the vGPU's vendor, device, class" },
	{ "bar0", bar0, "L2 sees a 16 MiB 64-bit memory BAR0" },
	{ "msi-capability", msi_capability, "L2 finds the MSI capability" },
	{ "pv-magic-through-bar0", pv_magic_through_bar0,
	  "an L2 read of BAR0 reaches the PV info page" },
};

IGT_TEST_MAIN("A nested guest sees a vGPU through QEMU vfio-pci", subtests,
	      .setup = setup);
