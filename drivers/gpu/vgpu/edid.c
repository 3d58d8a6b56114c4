// SPDX-License-Identifier: GPL-2.0
/*
 * EDID of each head: the one the device generates (EDID 1.4 with a
 * preferred mode, 1024x768 at creation, and the type's largest mode, both
 * with reduced blanking), and the VFIO EDID region through which the VMM
 * replaces it: link down, blob and size, link up. Going up checks the
 * blob and publishes it to the guest (PV EDID, HEAD_STATUS) with a hotplug
 * event; going down disconnects the head. The host's operator replugs a
 * head with a generated EDID of another preferred mode (sysfs
 * display_edid_mode) through the same link steps. Called with vgpu->lock
 * held.
 */
#include <linux/lockdep.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <vgpu/migration_stream.h>

#include "mmio.h"

#define EDID_BLOCK		128
#define EDID_HEADER_LEN		8
#define EDID_DESC_OFFSET	54
#define EDID_DESC_LEN		18
#define EDID_EXT_COUNT		126
#define EDID_CHECKSUM		127

/* Preferred mode of the generated EDID at creation, if the type allows. */
#define VGPU_EDID_PREF_W	1024
#define VGPU_EDID_PREF_H	768
#define VGPU_EDID_HZ		60
/* Smallest preferred mode an operator may choose (VGA). */
#define VGPU_EDID_MIN_W		640
#define VGPU_EDID_MIN_H		480

/* Descriptor tags (EDID 1.4 section 3.10.3). */
#define EDID_TAG_NAME		0xfc
#define EDID_TAG_RANGE		0xfd
#define EDID_TAG_DUMMY		0x10

/* Reduced blanking (VESA CVT-RB): fixed horizontal blank and sync. */
#define RB_HBLANK		160
#define RB_HFRONT		48
#define RB_HSYNC		32
#define RB_VFRONT		3
#define RB_VSYNC		6
#define RB_VBACK_MIN		6
#define RB_VBLANK_MIN_US	460

static const u8 vgpu_edid_header[EDID_HEADER_LEN] = {
	0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00
};

/**
 * struct vgpu_timing - a mode's timings as an EDID detailed timing holds
 * @clock_10khz: pixel clock in 10 kHz units
 * @hactive: pixels per line
 * @hblank: blank pixels per line
 * @hfront: front porch
 * @hsync: sync width
 * @vactive: lines
 * @vblank: blank lines
 * @vfront: front porch lines
 * @vsync: sync lines
 */
struct vgpu_timing {
	u32 clock_10khz;
	u32 hactive, hblank, hfront, hsync;
	u32 vactive, vblank, vfront, vsync;
};

/* A 60 Hz reduced-blanking mode: the vertical blank lasts >= 460 us. */
static void vgpu_timing_rb(struct vgpu_timing *t, u32 w, u32 h)
{
	u32 us_per_frame = USEC_PER_SEC / VGPU_EDID_HZ;
	u32 active_us = us_per_frame - RB_VBLANK_MIN_US;
	u64 htotal = w + RB_HBLANK, vtotal;

	t->hactive = w;
	t->hblank = RB_HBLANK;
	t->hfront = RB_HFRONT;
	t->hsync = RB_HSYNC;
	t->vactive = h;
	/* Lines of blank so that they take at least RB_VBLANK_MIN_US. */
	t->vblank = max_t(u32, DIV_ROUND_UP(h * RB_VBLANK_MIN_US, active_us),
			  RB_VFRONT + RB_VSYNC + RB_VBACK_MIN);
	t->vfront = RB_VFRONT;
	t->vsync = RB_VSYNC;
	vtotal = h + t->vblank;
	t->clock_10khz = DIV_ROUND_UP_ULL(htotal * vtotal * VGPU_EDID_HZ,
					  10000);
}

/* Detailed timing descriptor (EDID 1.4 section 3.10.2). */
static void vgpu_edid_dtd(u8 *d, const struct vgpu_timing *t)
{
	d[0] = t->clock_10khz & 0xff;
	d[1] = t->clock_10khz >> 8;
	d[2] = t->hactive & 0xff;
	d[3] = t->hblank & 0xff;
	d[4] = (t->hactive >> 8) << 4 | (t->hblank >> 8);
	d[5] = t->vactive & 0xff;
	d[6] = t->vblank & 0xff;
	d[7] = (t->vactive >> 8) << 4 | (t->vblank >> 8);
	d[8] = t->hfront & 0xff;
	d[9] = t->hsync & 0xff;
	d[10] = (t->vfront & 0xf) << 4 | (t->vsync & 0xf);
	d[11] = (t->hfront >> 8) << 6 | (t->hsync >> 8) << 4 |
		(t->vfront >> 4) << 2 | (t->vsync >> 4);
	/* No physical size, no border; digital separate sync, +hsync. */
	d[17] = 0x1a;
}

/* Active width and height of a detailed timing descriptor. */
static void vgpu_edid_dtd_size(const u8 *d, u32 *width, u32 *height)
{
	*width = d[2] | (d[4] >> 4) << 8;
	*height = d[5] | (d[7] >> 4) << 8;
}

/* Display descriptor: tag and up to 13 bytes of text, newline-ended. */
static void vgpu_edid_text(u8 *d, u8 tag, const char *text)
{
	unsigned int i, n = strlen(text);

	d[3] = tag;
	for (i = 0; i < 13; i++)
		d[5 + i] = i < n ? text[i] : i == n ? '\n' : ' ';
}

static u8 vgpu_edid_sum(const u8 *block)
{
	u8 sum = 0;
	unsigned int i;

	for (i = 0; i < EDID_BLOCK; i++)
		sum += block[i];
	return sum;
}

/*
 * A generated EDID of @head whose preferred mode is @width x @height (at
 * most the type's largest mode, which the second detailed timing gives
 * unless it is the preferred one).
 */
static void vgpu_edid_generate(struct vgpu_head *head, u8 *e, u32 width,
			       u32 height)
{
	const struct vgpu_type_desc *t = head->vgpu->type->desc;
	struct vgpu_timing pref, max;
	u8 *d = &e[EDID_DESC_OFFSET];
	u8 *range;

	memset(e, 0, EDID_BLOCK);
	memcpy(e, vgpu_edid_header, EDID_HEADER_LEN);
	/* Manufacturer "VGP" (5-bit letters), product, serial = vGPU id. */
	e[8] = 0x58;
	e[9] = 0xf0;
	e[10] = head->index;
	e[12] = head->vgpu->id & 0xff;
	e[13] = head->vgpu->id >> 8;
	e[17] = 2026 - 1990;		/* year of manufacture */
	e[18] = 1;			/* EDID 1.4 */
	e[19] = 4;
	e[20] = 0xa5;			/* digital, 8 bpc, DisplayPort */
	e[23] = 120;			/* gamma 2.2 */
	e[24] = 0x06;			/* sRGB, preferred mode is native */
	/* sRGB chromaticity. */
	memcpy(&e[25], "\xee\x91\xa3\x54\x4c\x99\x26\x0f\x50\x54", 10);
	e[35] = 0x21;			/* 640x480@60, 800x600@60 */
	e[36] = 0x08;			/* 1024x768@60 */
	memset(&e[38], 0x01, 16);	/* no standard timings */

	vgpu_timing_rb(&pref, width, height);
	vgpu_timing_rb(&max, t->max_width, t->max_height);
	vgpu_edid_dtd(d, &pref);
	d += EDID_DESC_LEN;
	/* The largest mode, unless preferred already: no DTD twice. */
	if (width != t->max_width || height != t->max_height)
		vgpu_edid_dtd(d, &max);
	else
		d[3] = EDID_TAG_DUMMY;
	d += EDID_DESC_LEN;

	/* Range limits: 1-240 Hz, 1-255 kHz, pixel clock in 10 MHz units. */
	range = d;
	range[3] = EDID_TAG_RANGE;
	range[5] = 1;
	range[6] = 240;
	range[7] = 1;
	range[8] = 255;
	range[9] = DIV_ROUND_UP(max.clock_10khz, 1000);
	range[10] = 0x01;		/* no timing formula */
	range[11] = '\n';
	memset(&range[12], ' ', 6);
	d += EDID_DESC_LEN;

	vgpu_edid_text(d, EDID_TAG_NAME, "vGPU");
	e[EDID_CHECKSUM] = -vgpu_edid_sum(e);
}

/**
 * vgpu_edid_init() - a head at creation: connected, the generated EDID
 * @head: the head
 */
void vgpu_edid_init(struct vgpu_head *head)
{
	const struct vgpu_type_desc *t = head->vgpu->type->desc;

	vgpu_edid_generate(head, head->blob,
			   min_t(u32, VGPU_EDID_PREF_W, t->max_width),
			   min_t(u32, VGPU_EDID_PREF_H, t->max_height));
	memcpy(head->edid, head->blob, EDID_BLOCK);
	head->edid_size = EDID_BLOCK;
	head->reg_edid_size = EDID_BLOCK;
	head->link_up = true;
	head->connected = true;
}

/* Is the blob a well-formed EDID of @size bytes? */
static bool vgpu_edid_valid(const u8 *blob, u32 size)
{
	u32 off;

	if (size < EDID_BLOCK || size % EDID_BLOCK || size > VGPU_PV_EDID_MAX)
		return false;
	if (memcmp(blob, vgpu_edid_header, EDID_HEADER_LEN))
		return false;
	for (off = 0; off < size; off += EDID_BLOCK)
		if (vgpu_edid_sum(blob + off))
			return false;
	return true;
}

static void vgpu_edid_hotplug(struct vgpu *vgpu, struct vgpu_head *head)
{
	vgpu_irq_raise_port(vgpu, VGPU_DE_PORT_HOTPLUG(head->index));
}

static int vgpu_edid_set_link(struct vgpu *vgpu, struct vgpu_head *head,
			      u32 state)
{
	lockdep_assert_held(&vgpu->lock);
	switch (state) {
	case VFIO_DEVICE_GFX_LINK_STATE_UP:
		if (head->link_up)
			return 0;
		if (!vgpu_edid_valid(head->blob, head->reg_edid_size))
			return -EINVAL;
		vgpu->display.edid_mig_dirty = true;
		memset(head->edid, 0, sizeof(head->edid));
		memcpy(head->edid, head->blob, head->reg_edid_size);
		head->edid_size = head->reg_edid_size;
		head->link_up = true;
		head->connected = true;
		break;
	case VFIO_DEVICE_GFX_LINK_STATE_DOWN:
		if (!head->link_up)
			return 0;
		vgpu->display.edid_mig_dirty = true;
		head->link_up = false;
		head->connected = false;
		head->edid_size = 0;
		break;
	default:
		return -EINVAL;
	}
	vgpu_edid_hotplug(vgpu, head);
	return 0;
}

/* Can a generated EDID of @vgpu prefer @width x @height? */
static bool vgpu_edid_mode_ok(const struct vgpu *vgpu, u32 width, u32 height)
{
	const struct vgpu_type_desc *t = vgpu->type->desc;

	return width >= VGPU_EDID_MIN_W && width <= t->max_width &&
	       height >= VGPU_EDID_MIN_H && height <= t->max_height;
}

/**
 * vgpu_edid_set_mode() - replug a head with a generated EDID
 * @vgpu: the vGPU (vgpu->lock held)
 * @h: the head, untrusted
 * @width: preferred width, untrusted
 * @height: preferred height, untrusted
 *
 * What a VMM does through the EDID region, with the EDID the device
 * generates for a preferred mode of @width x @height (60 Hz, reduced
 * blanking; any width, the generator's blanking does not need whole
 * 8-pixel cells): link down (hotplug event), that EDID in the region's
 * blob, link up (hotplug event). The region reads the new EDID afterwards.
 *
 * Return: 0; -EINVAL for a head the type does not have or a mode below
 * 640x480 or above the type's largest; -EBUSY while the region's link is
 * down (a VMM is between its own link down and link up).
 */
int vgpu_edid_set_mode(struct vgpu *vgpu, unsigned int h, u32 width,
		       u32 height)
{
	struct vgpu_head *head;

	lockdep_assert_held(&vgpu->lock);
	if (h >= vgpu_heads(vgpu) || !vgpu_edid_mode_ok(vgpu, width, height))
		return -EINVAL;
	head = &vgpu->display.head[h];
	if (!head->link_up)
		return -EBUSY;
	vgpu_edid_set_link(vgpu, head, VFIO_DEVICE_GFX_LINK_STATE_DOWN);
	memset(head->blob, 0, sizeof(head->blob));
	vgpu_edid_generate(head, head->blob, width, height);
	head->reg_edid_size = EDID_BLOCK;
	return vgpu_edid_set_link(vgpu, head, VFIO_DEVICE_GFX_LINK_STATE_UP);
}

/**
 * vgpu_edid_mode() - where the EDID a head shows the guest comes from
 * @vgpu: the vGPU (vgpu->lock held)
 * @h: the head (below the type's heads)
 * @width: set to the preferred width of a generated EDID
 * @height: set to its preferred height
 *
 * An EDID is the device's when it is byte for byte the one the device
 * generates for its preferred mode; anything else came from the VMM.
 *
 * Return: enum vgpu_edid_source.
 */
enum vgpu_edid_source vgpu_edid_mode(struct vgpu *vgpu, unsigned int h,
				     u32 *width, u32 *height)
{
	struct vgpu_head *head = &vgpu->display.head[h];
	u8 generated[EDID_BLOCK];

	lockdep_assert_held(&vgpu->lock);
	if (!head->connected)
		return VGPU_EDID_DISCONNECTED;
	if (head->edid_size != EDID_BLOCK)
		return VGPU_EDID_VMM;
	vgpu_edid_dtd_size(&head->edid[EDID_DESC_OFFSET], width, height);
	if (!vgpu_edid_mode_ok(vgpu, *width, *height))
		return VGPU_EDID_VMM;
	vgpu_edid_generate(head, generated, *width, *height);
	if (memcmp(generated, head->edid, EDID_BLOCK))
		return VGPU_EDID_VMM;
	return VGPU_EDID_GENERATED;
}

#define EDID_REG(f)	offsetof(struct vfio_region_gfx_edid, f)

/**
 * vgpu_edid_region_access() - one access to the EDID region of a head
 * @vgpu: the vGPU
 * @h: the head
 * @off: offset in the region
 * @size: 1, 2, 4 or 8 bytes (registers: 4 only)
 * @val: value read or to write, untrusted
 * @write: a write
 *
 * Return: 0, -EINVAL (bad offset, width, value or read-only field),
 * -EBUSY (blob or size written while the link is up).
 */
int vgpu_edid_region_access(struct vgpu *vgpu, unsigned int h, u64 off,
			    u32 size, u64 *val, bool write)
{
	struct vgpu_head *head = &vgpu->display.head[h];
	u64 blob = off - VGPU_EDID_BLOB_OFFSET;

	if (off >= VGPU_EDID_BLOB_OFFSET) {
		if (blob >= VGPU_PV_EDID_MAX || size > VGPU_PV_EDID_MAX - blob)
			return -EINVAL;
		if (!write) {
			*val = 0;
			memcpy(val, head->blob + blob, size);
			return 0;
		}
		if (head->link_up)
			return -EBUSY;
		memcpy(head->blob + blob, val, size);
		return 0;
	}
	if (size != 4 || off % 4)
		return -EINVAL;
	switch (off) {
	case EDID_REG(edid_offset):
		*val = VGPU_EDID_BLOB_OFFSET;
		break;
	case EDID_REG(edid_max_size):
		*val = VGPU_PV_EDID_MAX;
		break;
	case EDID_REG(edid_size):
		if (!write) {
			*val = head->reg_edid_size;
			return 0;
		}
		if (head->link_up)
			return -EBUSY;
		if (*val > VGPU_PV_EDID_MAX)
			return -EINVAL;
		head->reg_edid_size = *val;
		return 0;
	case EDID_REG(max_xres):
		*val = vgpu->type->desc->max_width;
		break;
	case EDID_REG(max_yres):
		*val = vgpu->type->desc->max_height;
		break;
	case EDID_REG(link_state):
		if (write)
			return vgpu_edid_set_link(vgpu, head, *val);
		*val = head->link_up ? VFIO_DEVICE_GFX_LINK_STATE_UP :
				       VFIO_DEVICE_GFX_LINK_STATE_DOWN;
		return 0;
	default:
		return -EINVAL;
	}
	return write ? -EINVAL : 0;
}

/**
 * vgpu_edid_pv_read() - a dword of the PV EDIDs: one 512-byte block per head
 * @vgpu: the vGPU
 * @r: its table entry
 * @idx: the dword's instance number
 * @off: its offset in BAR0, dword aligned
 *
 * Return: the bytes at @off, little endian; zero past a head's EDID.
 */
u32 vgpu_edid_pv_read(struct vgpu *vgpu, const struct vgpu_reg *r, u32 idx,
		      u32 off)
{
	u32 rel = off - VGPU_PV_EDID(0);
	unsigned int h = rel / VGPU_PV_EDID_MAX;
	const u8 *e;

	rel %= VGPU_PV_EDID_MAX;
	if (h >= vgpu_heads(vgpu) || rel >= vgpu->display.head[h].edid_size)
		return 0;
	e = vgpu->display.head[h].edid + rel;
	return e[0] | e[1] << 8 | e[2] << 16 | (u32)e[3] << 24;
}

u32 vgpu_edid_mig_size(const struct vgpu *vgpu)
{
	return vgpu_heads(vgpu) * (2 * sizeof(u32) + VGPU_PV_EDID_MAX);
}

/**
 * vgpu_edid_mig_save() - the EDID section: what each head shows the guest
 * @vgpu: the vGPU
 * @w: the stream
 *
 * Per head: connected, the EDID's bytes (0 when disconnected) and the
 * EDID. The EDID region's link and blob are the VMM's, not the guest's:
 * the destination keeps its own. What is saved is clean until a link
 * changes (the VMM's EDID region, sysfs).
 */
void vgpu_edid_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	struct vgpu_head *head;

	lockdep_assert_held(&vgpu->lock);
	vgpu_for_each_head(vgpu, head) {
		vgpu_mig_put_u32(w, head->connected);
		vgpu_mig_put_u32(w, head->edid_size);
		vgpu_mig_put_bytes(w, head->edid, VGPU_PV_EDID_MAX);
	}
	vgpu->display.edid_mig_dirty = false;
}

/* Did a head's EDID or link change since the EDID section was saved? */
bool vgpu_edid_mig_changed(const struct vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	return vgpu->display.edid_mig_dirty;
}

/**
 * vgpu_edid_mig_load() - take the EDID section
 * @vgpu: the vGPU
 * @r: the section, untrusted
 *
 * A connected head needs a well-formed EDID, a disconnected one none.
 *
 * Return: 0 or -EINVAL (heads before the refused one are loaded; the
 * caller resets the device).
 */
int vgpu_edid_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)
{
	u8 edid[VGPU_PV_EDID_MAX];
	struct vgpu_head *head;
	u32 connected, size;

	lockdep_assert_held(&vgpu->lock);
	vgpu_for_each_head(vgpu, head) {
		connected = vgpu_mig_get_u32(r);
		size = vgpu_mig_get_u32(r);
		vgpu_mig_get_bytes(r, edid, sizeof(edid));
		if (r->bad || connected > 1 ||
		    (connected ? !vgpu_edid_valid(edid, size) : size))
			return -EINVAL;
		head->connected = connected;
		head->edid_size = size;
		memcpy(head->edid, edid, sizeof(edid));
	}
	return vgpu_mig_reader_done(r) ? 0 : -EINVAL;
}
