// SPDX-License-Identifier: GPL-2.0
/*
 * Pipe CRCs (docs/display.md): while the guest has enabled PIPE_CRC_CTL,
 * each vblank of a running pipe hands the frame the pipe showed to a
 * per-head work item, which composes it line by line (black, the primary
 * plane, the cursor blended on top) and feeds the lines to crc32_le().
 *
 * The frame is a set of references to the shown framebuffers taken under
 * vgpu->lock; the pixel walk runs without vgpu->lock, reading the pages
 * with kmap_local_page() under the head's walk_lock. Whoever unpins a
 * framebuffer the walk reads first sets the head's abort flag and takes
 * walk_lock, so no page is read once its pin is gone. One computation per
 * head is in flight at a time: vblanks that find it busy are skipped, and
 * the frame number latched with the result says which frame it was.
 */
#include <linux/crc32.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "vgpu_drv.h"

/* The bits of PIPE_CRC_CTL that are stored; the others read zero. */
#define VGPU_CRC_CTL_BITS	(VGPU_PIPE_CRC_ENABLE | VGPU_PIPE_CRC_SOURCE_MASK)
/* A composed pixel: 0x00RRGGBB. */
#define VGPU_CRC_RGB_MASK	0x00ffffffU
#define VGPU_CRC_ALPHA_SHIFT	24
#define VGPU_CRC_CHANNEL_BITS	8
#define VGPU_CRC_CHANNEL_MAX	0xffU
#define VGPU_CRC_BPP		4

static struct vgpu_head *vgpu_crc_head(struct vgpu_crc *crc)
{
	return container_of(crc, struct vgpu_head, crc);
}

bool vgpu_crc_enabled(const struct vgpu_head *head)
{
	return head->crc.ctl & VGPU_PIPE_CRC_ENABLE;
}

/* ---- the pixel walk (no vgpu->lock; walk_lock held) ---- */

/* Copy @len bytes at byte @off of @fb's surface to @dst. */
static void vgpu_crc_read(const struct vgpu_fb *fb, u64 off, void *dst,
			  u32 len)
{
	u32 in, n;
	void *src;

	while (len) {
		in = offset_in_page(off);
		n = min_t(u32, len, PAGE_SIZE - in);
		src = kmap_local_page(fb->pages[off >> PAGE_SHIFT]);
		memcpy(dst, src + in, n);
		kunmap_local(src);
		off += n;
		dst += n;
		len -= n;
	}
}

/*
 * Line @y of the primary plane into @line: alpha is dropped (the primary
 * is the bottom plane), pixels it does not cover are black.
 */
static void vgpu_crc_primary_line(const struct vgpu_crc_frame *f, u32 y,
				  __le32 *line)
{
	const struct vgpu_fb *fb = f->fb[VGPU_PLANE_PRIMARY];
	/* PLANE_POS is never negative; the plane may reach past the frame. */
	u32 x0 = f->x[VGPU_PLANE_PRIMARY], py = f->y[VGPU_PLANE_PRIMARY];
	u32 x1, i;

	if (!fb || y < py || y - py >= fb->desc.height || x0 >= f->width) {
		memset(line, 0, f->width * VGPU_CRC_BPP);
		return;
	}
	x1 = min(f->width, x0 + fb->desc.width);
	memset(line, 0, x0 * VGPU_CRC_BPP);
	memset(line + x1, 0, (f->width - x1) * VGPU_CRC_BPP);
	vgpu_crc_read(fb, (u64)(y - py) * fb->desc.stride, line + x0,
		      (x1 - x0) * VGPU_CRC_BPP);
	for (i = x0; i < x1; i++)
		line[i] &= cpu_to_le32(VGPU_CRC_RGB_MASK);
}

/* Premultiplied "over": out = src + dst * (255 - alpha) / 255. */
static u32 vgpu_crc_blend(u32 src, u32 dst)
{
	u32 inv = VGPU_CRC_CHANNEL_MAX - (src >> VGPU_CRC_ALPHA_SHIFT);
	u32 out = 0, shift, s, d;

	for (shift = 0; shift < VGPU_CRC_ALPHA_SHIFT;
	     shift += VGPU_CRC_CHANNEL_BITS) {
		s = (src >> shift) & VGPU_CRC_CHANNEL_MAX;
		d = (dst >> shift) & VGPU_CRC_CHANNEL_MAX;
		/* A guest's colour may exceed its alpha: saturate. */
		out |= min(s + d * inv / VGPU_CRC_CHANNEL_MAX,
			   VGPU_CRC_CHANNEL_MAX) << shift;
	}
	return out;
}

/* Blend line @y of the cursor, clipped to the frame, onto @line. */
static void vgpu_crc_cursor_line(const struct vgpu_crc_frame *f, u32 y,
				 __le32 *line)
{
	const struct vgpu_fb *fb = f->fb[VGPU_PLANE_CURSOR];
	int cx = f->x[VGPU_PLANE_CURSOR], cy = f->y[VGPU_PLANE_CURSOR];
	__le32 src[VGPU_CURSOR_SIZE];
	int x0, x1, i;

	if (!fb || (int)y < cy || (int)y >= cy + VGPU_CURSOR_SIZE)
		return;
	x0 = max(cx, 0);
	x1 = min(cx + VGPU_CURSOR_SIZE, (int)f->width);
	if (x0 >= x1)
		return;
	vgpu_crc_read(fb, (u64)((int)y - cy) * fb->desc.stride +
		      (x0 - cx) * VGPU_CRC_BPP, src,
		      (x1 - x0) * VGPU_CRC_BPP);
	for (i = x0; i < x1; i++)
		line[i] = cpu_to_le32(vgpu_crc_blend(le32_to_cpu(src[i - x0]),
						     le32_to_cpu(line[i])));
}

/*
 * CRC-32 of the frame of @crc->job. Return: false if the walk was aborted
 * or had no memory (the frame is skipped).
 */
static bool vgpu_crc_compute(struct vgpu_crc *crc, u32 *value)
{
	const struct vgpu_crc_frame *f = &crc->job;
	u32 y, c = ~0U;
	__le32 *line;

	lockdep_assert_held(&crc->walk_lock);
	line = kvmalloc_array(f->width, sizeof(*line), GFP_KERNEL);
	if (!line)
		return false;
	for (y = 0; y < f->height; y++) {
		/* Checked per line: an unpin waits for at most one line. */
		if (READ_ONCE(crc->abort))
			break;
		vgpu_crc_primary_line(f, y, line);
		vgpu_crc_cursor_line(f, y, line);
		c = crc32_le(c, (u8 *)line, f->width * VGPU_CRC_BPP);
	}
	kvfree(line);
	*value = ~c;
	return y == f->height;
}

/* Drop the job's framebuffers; a new job may be taken. */
static void vgpu_crc_release(struct vgpu *vgpu, struct vgpu_crc *crc)
{
	unsigned int p;

	lockdep_assert_held(&vgpu->lock);
	for (p = 0; p < VGPU_PLANES; p++) {
		vgpu_fb_put(crc->job.fb[p]);
		crc->job.fb[p] = NULL;
	}
	crc->busy = false;
}

static void vgpu_crc_work(struct work_struct *work)
{
	struct vgpu_crc *crc = container_of(work, struct vgpu_crc, work);
	struct vgpu_head *head = vgpu_crc_head(crc);
	struct vgpu *vgpu = head->vgpu;
	unsigned int h = head->index;
	bool done = false;
	u64 start, ns;
	u32 value;

	start = ktime_get_ns();
	mutex_lock(&crc->walk_lock);
	if (!READ_ONCE(crc->abort))
		done = vgpu_crc_compute(crc, &value);
	mutex_unlock(&crc->walk_lock);
	ns = ktime_get_ns() - start;

	mutex_lock(&vgpu->lock);
	/* Not if the CRC went off (and maybe on again) meanwhile. */
	if (done && crc->job.seq == crc->seq && vgpu_crc_enabled(head)) {
		crc->result = value;
		crc->frame = crc->job.frame;
		vgpu->stats.display_crcs++;
		vgpu->stats.display_crc_ns += ns;
		vgpu_irq_raise_pipe(vgpu, h, VGPU_DE_PIPE_CRC_DONE);
	}
	vgpu_crc_release(vgpu, crc);
	/* Framebuffers only the job kept pinned can go now. */
	vgpu_display_reap(vgpu);
	mutex_unlock(&vgpu->lock);
}

/* ---- under vgpu->lock ---- */

/* Make sure the work reads no page of its job any more. */
static void vgpu_crc_abort(struct vgpu *vgpu, struct vgpu_crc *crc)
{
	lockdep_assert_held(&vgpu->lock);
	if (!crc->busy || crc->abort)
		return;
	WRITE_ONCE(crc->abort, true);
	/* The walk checks the flag per line: this waits for one line. */
	mutex_lock(&crc->walk_lock);
	mutex_unlock(&crc->walk_lock);
}

/**
 * vgpu_crc_off() - turn the CRC of @head off (pipe stop, refusal, reset)
 * @vgpu: the vGPU (vgpu->lock held)
 * @head: the head
 *
 * A computation in flight stops reading pages before this returns and
 * never latches; its work item finishes on its own (vgpu_crc_flush()).
 */
void vgpu_crc_off(struct vgpu *vgpu, struct vgpu_head *head)
{
	struct vgpu_crc *crc = &head->crc;

	lockdep_assert_held(&vgpu->lock);
	crc->ctl = 0;
	crc->seq++;
	crc->have_last = false;
	vgpu_crc_abort(vgpu, crc);
}

/**
 * vgpu_crc_reset() - the CRC at power-on: off, results zero
 * @vgpu: the vGPU (vgpu->lock held)
 * @head: the head
 */
void vgpu_crc_reset(struct vgpu *vgpu, struct vgpu_head *head)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu_crc_off(vgpu, head);
	head->crc.result = 0;
	head->crc.frame = 0;
}

/**
 * vgpu_crc_ctl_write() - the guest wrote PIPE_CRC_CTL of @head
 * @vgpu: the vGPU (vgpu->lock held)
 * @head: the head
 * @val: the value, untrusted
 *
 * The caller records a refusal and re-evaluates the vblank timer.
 *
 * Return: VGPU_DISPLAY_OK, or VGPU_DISPLAY_ERR_MODE when an enable names
 * a source other than the pipe's output (the CRC is then off).
 */
u32 vgpu_crc_ctl_write(struct vgpu *vgpu, struct vgpu_head *head, u32 val)
{
	struct vgpu_crc *crc = &head->crc;

	lockdep_assert_held(&vgpu->lock);
	val &= VGPU_CRC_CTL_BITS;
	if ((val & VGPU_PIPE_CRC_ENABLE) &&
	    (val & VGPU_PIPE_CRC_SOURCE_MASK) != VGPU_PIPE_CRC_SOURCE_PF) {
		vgpu_crc_off(vgpu, head);
		return VGPU_DISPLAY_ERR_MODE;
	}
	if (!(val & VGPU_PIPE_CRC_ENABLE))
		vgpu_crc_off(vgpu, head);
	crc->ctl = val;
	return VGPU_DISPLAY_OK;
}

/**
 * vgpu_crc_reg_read() - PIPE_CRC_CTL, PIPE_CRC_RES or PV HEAD_CRC_FRAME
 * @vgpu: the vGPU (vgpu->lock held: RES and FRAME change together)
 * @head: the head
 * @reg: VGPU_DISP_CRC_*
 *
 * Return: the value the guest reads.
 */
u32 vgpu_crc_reg_read(struct vgpu *vgpu, struct vgpu_head *head, u32 reg)
{
	lockdep_assert_held(&vgpu->lock);
	switch (reg) {
	case VGPU_DISP_CRC_CTL:
		return head->crc.ctl;
	case VGPU_DISP_CRC_RES:
		return head->crc.result;
	default:
		return head->crc.frame;
	}
}

/* The plane's position in the frame, as the registers say now. */
static void vgpu_crc_plane_pos(struct vgpu *vgpu, unsigned int h,
			       enum vgpu_plane_id p, int *x, int *y)
{
	u32 pos;

	lockdep_assert_held(&vgpu->lock);
	if (p == VGPU_PLANE_PRIMARY) {
		pos = vgpu->display.regs[h][VGPU_DISP_PLANE_POS];
		*x = pos & VGPU_PLANE_XY_X_MASK;
		*y = (pos & VGPU_PLANE_XY_Y_MASK) >> VGPU_PLANE_XY_Y_SHIFT;
		return;
	}
	pos = vgpu->display.regs[h][VGPU_DISP_CURPOS];
	*x = pos & VGPU_CURPOS_X_MASK;
	*y = (pos & VGPU_CURPOS_Y_MASK) >> VGPU_CURPOS_Y_SHIFT;
	if (pos & VGPU_CURPOS_X_SIGN)
		*x = -*x;
	if (pos & VGPU_CURPOS_Y_SIGN)
		*y = -*y;
}

/**
 * vgpu_crc_vblank() - a vblank of the running pipe of @head ended @frame
 * @vgpu: the vGPU (vgpu->lock held)
 * @head: the head; its planes are still the ones shown during @frame
 * @frame: PIPE_FRMCOUNT of the frame that ended
 *
 * Hands the frame to the head's work item unless the CRC is off or the
 * previous frame is still being computed (then this one is skipped).
 */
void vgpu_crc_vblank(struct vgpu *vgpu, struct vgpu_head *head, u32 frame)
{
	const struct vgpu_type_desc *t = vgpu->type->desc;
	struct vgpu_crc *crc = &head->crc;
	struct vgpu_crc_frame *f = &crc->job;
	unsigned int h = head->index, p;
	u32 src = vgpu->display.regs[h][VGPU_DISP_PIPESRC];

	lockdep_assert_held(&vgpu->lock);
	if (!vgpu_crc_enabled(head) || crc->busy ||
	    (crc->have_last && crc->last_frame == frame))
		return;
	for (p = 0; p < VGPU_PLANES; p++) {
		f->fb[p] = vgpu_fb_get(head->plane[p].shown);
		vgpu_crc_plane_pos(vgpu, h, p, &f->x[p], &f->y[p]);
	}
	/*
	 * PIPESRC was checked when the pipe started; a later rewrite cannot
	 * make the host walk more than the type's largest mode.
	 */
	f->width = min(((src & VGPU_PIPESRC_WIDTH_MASK) >>
			VGPU_PIPESRC_WIDTH_SHIFT) + 1, t->max_width);
	f->height = min((src & VGPU_PIPESRC_HEIGHT_MASK) + 1, t->max_height);
	f->frame = frame;
	f->seq = crc->seq;
	crc->have_last = true;
	crc->last_frame = frame;
	WRITE_ONCE(crc->abort, false);
	crc->busy = true;
	/* Bulk work: not on vgpu_wq, whose items are latency sensitive. */
	queue_work(system_unbound_wq, &crc->work);
}

/**
 * vgpu_crc_uses_fb() - does a CRC computation still need @fb's pages?
 * @vgpu: the vGPU (vgpu->lock held)
 * @fb: a pinned framebuffer
 *
 * Return: true while a computation that was not aborted reads @fb; the
 * work reaps it when done.
 */
bool vgpu_crc_uses_fb(struct vgpu *vgpu, const struct vgpu_fb *fb)
{
	struct vgpu_head *head;
	struct vgpu_crc *crc;
	unsigned int p;

	lockdep_assert_held(&vgpu->lock);
	vgpu_for_each_head(vgpu, head) {
		crc = &head->crc;
		if (!crc->busy || crc->abort)
			continue;
		for (p = 0; p < VGPU_PLANES; p++)
			if (crc->job.fb[p] == fb)
				return true;
	}
	return false;
}

/**
 * vgpu_crc_fb_unpin() - @fb's pins are about to be dropped
 * @vgpu: the vGPU (vgpu->lock held)
 * @fb: the framebuffer
 *
 * A computation reading @fb is aborted (its frame skipped) and has
 * stopped reading when this returns.
 */
void vgpu_crc_fb_unpin(struct vgpu *vgpu, const struct vgpu_fb *fb)
{
	struct vgpu_head *head;
	struct vgpu_crc *crc;
	unsigned int p;

	lockdep_assert_held(&vgpu->lock);
	vgpu_for_each_head(vgpu, head) {
		crc = &head->crc;
		for (p = 0; p < VGPU_PLANES; p++)
			if (crc->busy && crc->job.fb[p] == fb)
				vgpu_crc_abort(vgpu, crc);
	}
}

/**
 * vgpu_crc_flush() - wait for every CRC work item (close)
 * @vgpu: the vGPU (vgpu->lock not held; every CRC off)
 *
 * Flushed rather than cancelled: the work drops its job's references.
 */
void vgpu_crc_flush(struct vgpu *vgpu)
{
	struct vgpu_head *head;

	lockdep_assert_not_held(&vgpu->lock);
	vgpu_for_each_head(vgpu, head)
		flush_work(&head->crc.work);
}

/**
 * vgpu_crc_init() - CRC state of a new head
 * @head: the head
 */
void vgpu_crc_init(struct vgpu_head *head)
{
	mutex_init(&head->crc.walk_lock);
	INIT_WORK(&head->crc.work, vgpu_crc_work);
}
