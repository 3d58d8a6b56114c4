// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated PCI configuration space: a type 0 header with the IDs of
 * <linux/vgpu_if.h>, a 64-bit BAR0 sized by the usual all-ones probe, and
 * one MSI capability. Which bits the guest may change is described by a
 * table of (offset, size, writable mask); every other bit is read only.
 * Accesses of 1, 2 and 4 bytes at any offset are supported.
 */
#include <linux/pci_regs.h>
#include <vgpu/linux_compat.h>
#include <vgpu/migration_stream.h>

#include "vgpu_drv.h"

/* MSI capability registers (64-bit address, no per-vector masking). */
#define VGPU_MSI_FLAGS		(VGPU_PCI_MSI_CAP_OFFSET + PCI_MSI_FLAGS)
#define VGPU_MSI_ADDR_LO	(VGPU_PCI_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_LO)
#define VGPU_MSI_ADDR_HI	(VGPU_PCI_MSI_CAP_OFFSET + PCI_MSI_ADDRESS_HI)
#define VGPU_MSI_DATA		(VGPU_PCI_MSI_CAP_OFFSET + PCI_MSI_DATA_64)

/**
 * struct vgpu_cfg_field - a writable field of config space
 * @off: offset of the field
 * @size: 1, 2 or 4 bytes
 * @wmask: bits the guest may write
 */
struct vgpu_cfg_field {
	u8 off;
	u8 size;
	u32 wmask;
};

static const struct vgpu_cfg_field vgpu_cfg_fields[] = {
	{ PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			  PCI_COMMAND_INTX_DISABLE },
	{ PCI_CACHE_LINE_SIZE, 1, 0xff },
	{ PCI_LATENCY_TIMER, 1, 0xff },
	/* BAR0/1: a 64-bit BAR; the size's low bits stay zero. */
	{ PCI_BASE_ADDRESS_0, 4, (u32)~(VGPU_BAR0_SIZE - 1) },
	{ PCI_BASE_ADDRESS_1, 4, 0xffffffff },
	{ PCI_INTERRUPT_LINE, 1, 0xff },
	{ VGPU_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE },
	{ VGPU_MSI_ADDR_LO, 4, 0xfffffffc },
	{ VGPU_MSI_ADDR_HI, 4, 0xffffffff },
	{ VGPU_MSI_DATA, 2, 0xffff },
};

/* Writable bits of the config space byte at @off. */
static u8 vgpu_cfg_wmask(u32 off)
{
	const struct vgpu_cfg_field *f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vgpu_cfg_fields); i++) {
		f = &vgpu_cfg_fields[i];
		if (off >= f->off && off < f->off + f->size)
			return f->wmask >> ((off - f->off) * BITS_PER_BYTE);
	}
	return 0;
}

/**
 * vgpu_cfg_init() - config space at power-on
 * @vgpu: the vGPU
 */
void vgpu_cfg_init(struct vgpu *vgpu)
{
	u8 *cfg = vgpu->cfg;

	memset(cfg, 0, VGPU_CFG_SIZE);
	put_unaligned_le16(VGPU_PCI_VENDOR_ID, cfg + PCI_VENDOR_ID);
	put_unaligned_le16(VGPU_PCI_DEVICE_ID, cfg + PCI_DEVICE_ID);
	put_unaligned_le16(PCI_STATUS_CAP_LIST, cfg + PCI_STATUS);
	put_unaligned_le32(VGPU_PCI_CLASS << BITS_PER_BYTE | VGPU_PCI_REVISION,
			   cfg + PCI_CLASS_REVISION);
	cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_unaligned_le32(PCI_BASE_ADDRESS_SPACE_MEMORY |
			   PCI_BASE_ADDRESS_MEM_TYPE_64,
			   cfg + PCI_BASE_ADDRESS_0);
	put_unaligned_le16(VGPU_PCI_SUBSYSTEM_VENDOR_ID,
			   cfg + PCI_SUBSYSTEM_VENDOR_ID);
	put_unaligned_le16(VGPU_PCI_SUBSYSTEM_ID, cfg + PCI_SUBSYSTEM_ID);
	cfg[PCI_CAPABILITY_LIST] = VGPU_PCI_CAP_PTR;
	cfg[PCI_INTERRUPT_PIN] = VGPU_PCI_INTERRUPT_PIN;

	cfg[VGPU_PCI_MSI_CAP_OFFSET + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	cfg[VGPU_PCI_MSI_CAP_OFFSET + PCI_CAP_LIST_NEXT] = 0;
	put_unaligned_le16(PCI_MSI_FLAGS_64BIT, cfg + VGPU_MSI_FLAGS);
}

static bool vgpu_cfg_access_ok(u32 off, u32 size)
{
	return (size == 1 || size == 2 || size == 4) &&
	       off < VGPU_CFG_SIZE && size <= VGPU_CFG_SIZE - off;
}

int vgpu_cfg_read(struct vgpu *vgpu, u32 off, u32 size, u32 *val)
{
	u32 i, v = 0;

	if (!vgpu_cfg_access_ok(off, size))
		return -EINVAL;
	for (i = 0; i < size; i++)
		v |= (u32)vgpu->cfg[off + i] << (i * BITS_PER_BYTE);
	*val = v;
	return 0;
}

int vgpu_cfg_write(struct vgpu *vgpu, u32 off, u32 size, u32 val)
{
	bool was_msi = vgpu_cfg_msi_enabled(vgpu);
	u32 i;
	u8 m, b;

	if (!vgpu_cfg_access_ok(off, size))
		return -EINVAL;
	for (i = 0; i < size; i++) {
		m = vgpu_cfg_wmask(off + i);
		b = val >> (i * BITS_PER_BYTE);
		vgpu->cfg[off + i] = (vgpu->cfg[off + i] & ~m) | (b & m);
	}
	/* Delivery may change with MSI enable or INTx disable. */
	if (was_msi != vgpu_cfg_msi_enabled(vgpu) ||
	    (off <= PCI_COMMAND + 1 && off + size > PCI_COMMAND))
		vgpu_irq_update(vgpu);
	return 0;
}

bool vgpu_cfg_msi_enabled(const struct vgpu *vgpu)
{
	return get_unaligned_le16(vgpu->cfg + VGPU_MSI_FLAGS) &
	       PCI_MSI_FLAGS_ENABLE;
}

bool vgpu_cfg_intx_disabled(const struct vgpu *vgpu)
{
	return get_unaligned_le16(vgpu->cfg + PCI_COMMAND) &
	       PCI_COMMAND_INTX_DISABLE;
}

/* The status register reports the INTx line's level. */
void vgpu_cfg_set_intx_status(struct vgpu *vgpu, bool asserted)
{
	u16 status = get_unaligned_le16(vgpu->cfg + PCI_STATUS);

	if (asserted)
		status |= PCI_STATUS_INTERRUPT;
	else
		status &= ~PCI_STATUS_INTERRUPT;
	put_unaligned_le16(status, vgpu->cfg + PCI_STATUS);
}

u32 vgpu_cfg_mig_size(const struct vgpu *vgpu)
{
	return VGPU_CFG_SIZE;
}

/**
 * vgpu_cfg_mig_save() - the CONFIG section: config space as it is
 * @vgpu: the vGPU
 * @w: the stream
 */
void vgpu_cfg_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	vgpu_mig_put_bytes(w, vgpu->cfg, VGPU_CFG_SIZE);
}

/**
 * vgpu_cfg_mig_load() - take the CONFIG section
 * @vgpu: the vGPU
 * @r: the section, untrusted
 *
 * Only the writable bits of the table are taken, as if the guest wrote
 * them (the MSI address, data and enable among them); every read-only
 * bit stays the device's.
 *
 * Return: 0 or -EINVAL.
 */
int vgpu_cfg_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)
{
	u8 in[VGPU_CFG_SIZE], mask;
	u32 off;

	vgpu_mig_get_bytes(r, in, sizeof(in));
	if (!vgpu_mig_reader_done(r))
		return -EINVAL;
	for (off = 0; off < VGPU_CFG_SIZE; off++) {
		mask = vgpu_cfg_wmask(off);
		vgpu->cfg[off] = (vgpu->cfg[off] & ~mask) | (in[off] & mask);
	}
	return 0;
}
