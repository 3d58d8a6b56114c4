// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration v2 (docs/migration.md): the device state FSM of
 * <uapi/linux/vfio.h> and its data transfer files. The core walks a
 * combination arc one step at a time (vfio_mig_get_next_state()); each
 * single arc is a row of vgpu_mig_arcs[]. The state stream is framed by
 * migration_stream.c and filled by the owners of the state, each with its
 * own section (vgpu_mig_sections[]).
 *
 * What the device does in each state:
 *   RUNNING      everything.
 *   RUNNING_P2P  BAR0 is served and tail writes are audited and queued,
 *		  a run already on the GPU finishes, no new run starts.
 *   STOP         no run in flight and none starts, no interrupt is
 *		  signalled, no vblank is handled, no guest memory is
 *		  written; BAR0 and EDID writes are ignored (and counted);
 *		  config space and dma_unmap are served.
 *   STOP_COPY    STOP, the state readable from the data file.
 *   RESUMING     STOP, just reset, loading a stream written to the file.
 *   PRE_COPY(_P2P)  RUNNING (RUNNING_P2P) with a data file open whose
 *		  first bytes are the preamble (type and version) and the
 *		  state that changes rarely (GGTT, display, EDID); what of
 *		  it changes follows whenever the reader has read the rest.
 *		  In STOP_COPY the same file ends with the rest of the
 *		  state and the last changes.
 *
 * Nothing queued is ever dropped by a migration: a run the GPU has
 * started (even preempted) finishes on the source before STOP; workloads
 * not yet started are saved by their ring positions and audited again
 * on the destination.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <vgpu/linux_compat.h>
#include <vgpu/migration_stream.h>

#include "vgpu_drv.h"

/*
 * Longest STOP waits for the GPU to finish the runs in flight: the
 * watchdog kills a run long before (500 ms of engine time per workload),
 * but time-slicing with other vGPUs stretches the wall time.
 */
#define VGPU_MIG_DRAIN_TIMEOUT_MS	30000

/**
 * struct vgpu_mig_file - a data transfer session (the file's private data)
 * @filp: the file
 * @vgpu: its vGPU
 * @lock: the fields below; taken under vgpu->mig.lock, before vgpu->lock
 * @buf: saving: the chunks written and not yet read
 * @size: bytes of @buf
 * @len: bytes of chunks in @buf
 * @rpos: bytes of @buf read so far
 * @initial: bytes of @buf that are pre-copy's initial data (the preamble
 *	and the first early chunk), 0 once a chunk of changes replaced them
 * @seq: the next chunk's sequence number
 * @sent: VGPU_MIG_SEC_BIT() of the sections the stream carried so far
 * @saving: a session of the saving group (read), else RESUMING's (write)
 * @final: the final chunk is in @buf: the end of @buf is the end of the
 *	stream (before, in pre-copy, a reader at @len with nothing changed
 *	is told ENOMSG)
 * @disabled: the session ended: reads and writes fail
 * @rx: RESUMING: the receiver of the stream, its buffers ours
 */
struct vgpu_mig_file {
	struct file *filp;
	struct vgpu *vgpu;
	struct mutex lock;		/* see above */
	u8 *buf;
	u32 size;
	u32 len;
	u32 rpos;
	u32 initial;
	u32 seq;
	u32 sent;
	bool saving;
	bool final;
	bool disabled;
	struct vgpu_mig_receiver rx;
};

/* When a section is in the stream. */
enum vgpu_mig_when {
	VGPU_MIG_FINAL,		/* changes as the guest runs: stopped only */
	VGPU_MIG_EARLY,		/* rarely changes: pre-copy, and when changed */
	VGPU_MIG_DELTA,		/* what changed of the GGTT sent early */
};

/**
 * struct vgpu_mig_section - a section of the stream and its owner
 * @id: enum vgpu_mig_section_id
 * @when: enum vgpu_mig_when
 * @size: most bytes of its payload
 * @estimate: bytes of its payload if saved now (vgpu->lock held), or
 *	NULL: @size then stands for it
 * @changed: an early section changed since it was saved (vgpu->lock
 *	held): resent whole; NULL: never resent (the GGTT: its deltas are)
 * @save: write its payload
 * @load: read and check its payload, take it; NULL for the GGTT's
 *	sections, which the receiver assembles into one GGTT
 */
struct vgpu_mig_section {
	enum vgpu_mig_section_id id;
	enum vgpu_mig_when when;
	u32 (*size)(const struct vgpu *vgpu);
	u32 (*estimate)(const struct vgpu *vgpu);
	bool (*changed)(const struct vgpu *vgpu);
	void (*save)(struct vgpu *vgpu, struct vgpu_mig_writer *w);
	int (*load)(struct vgpu *vgpu, struct vgpu_mig_reader *r);
};

#define VGPU_MIG_SECTION(sec, owner)					\
	{ .id = (sec), .when = VGPU_MIG_FINAL,				\
	  .size = vgpu_##owner##_mig_size,				\
	  .save = vgpu_##owner##_mig_save, .load = vgpu_##owner##_mig_load }

#define VGPU_MIG_SECTION_EARLY(sec, owner)				\
	{ .id = (sec), .when = VGPU_MIG_EARLY,				\
	  .size = vgpu_##owner##_mig_size,				\
	  .changed = vgpu_##owner##_mig_changed,			\
	  .save = vgpu_##owner##_mig_save, .load = vgpu_##owner##_mig_load }

/* In the order of enum vgpu_mig_section_id: the order they are loaded. */
static const struct vgpu_mig_section vgpu_mig_sections[] = {
	VGPU_MIG_SECTION(VGPU_MIG_SEC_SCHED, sched),
	VGPU_MIG_SECTION(VGPU_MIG_SEC_CONFIG, cfg),
	/* The only sections whose size grows with the guest's memory. */
	{ .id = VGPU_MIG_SEC_GGTT, .when = VGPU_MIG_EARLY,
	  .size = vgpu_gtt_mig_size, .estimate = vgpu_gtt_mig_estimate,
	  .save = vgpu_gtt_mig_save },
	{ .id = VGPU_MIG_SEC_GGTT_DELTA, .when = VGPU_MIG_DELTA,
	  .size = vgpu_gtt_delta_mig_size,
	  .estimate = vgpu_gtt_delta_mig_estimate,
	  .changed = vgpu_gtt_mig_changed, .save = vgpu_gtt_delta_mig_save },
	VGPU_MIG_SECTION(VGPU_MIG_SEC_IRQ, irq),
	VGPU_MIG_SECTION(VGPU_MIG_SEC_RING, ring),
	VGPU_MIG_SECTION(VGPU_MIG_SEC_WORKLOAD, workload),
	VGPU_MIG_SECTION_EARLY(VGPU_MIG_SEC_DISPLAY, display),
	VGPU_MIG_SECTION(VGPU_MIG_SEC_VBLANK, vblank),
	VGPU_MIG_SECTION_EARLY(VGPU_MIG_SEC_EDID, edid),
};

static const char *vgpu_mig_type(const struct vgpu *vgpu)
{
	return vgpu->type->desc->name;
}

/*
 * The longest chunk this vGPU sends or takes, final or early. A delta
 * never comes with its base and is shorter than it.
 */
static u32 vgpu_mig_max_chunk(const struct vgpu *vgpu, bool final)
{
	const struct vgpu_mig_section *sec;
	u32 size = VGPU_MIG_HEADER_SIZE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vgpu_mig_sections); i++) {
		sec = &vgpu_mig_sections[i];
		if (sec->when == VGPU_MIG_DELTA ||
		    (!final && sec->when == VGPU_MIG_FINAL))
			continue;
		size += VGPU_MIG_SECTION_HEADER_SIZE + sec->size(vgpu);
	}
	return size;
}

/*
 * Does the next chunk carry @sec? @sent: the sections the stream carried
 * before it; @final: the device is stopped (vgpu->lock held).
 */
static bool vgpu_mig_wanted(struct vgpu *vgpu,
			    const struct vgpu_mig_section *sec, u32 sent,
			    bool final)
{
	lockdep_assert_held(&vgpu->lock);
	switch (sec->when) {
	case VGPU_MIG_FINAL:
		return final;
	case VGPU_MIG_EARLY:
		return !(sent & VGPU_MIG_SEC_BIT(sec->id)) ||
		       (sec->changed && sec->changed(vgpu));
	case VGPU_MIG_DELTA:
		return (sent & VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT)) &&
		       sec->changed(vgpu);
	}
	return false;
}

/*
 * Bytes of the next chunk if written now (vgpu->lock held): exact for an
 * early chunk, 0 when nothing changed; the final chunk's sections that
 * change as the guest runs count at their longest.
 */
static u32 vgpu_mig_chunk_bytes(struct vgpu *vgpu, u32 sent, bool final)
{
	const struct vgpu_mig_section *sec;
	u32 size = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vgpu_mig_sections); i++) {
		sec = &vgpu_mig_sections[i];
		if (vgpu_mig_wanted(vgpu, sec, sent, final))
			size += VGPU_MIG_SECTION_HEADER_SIZE +
				(sec->estimate ? sec->estimate(vgpu) :
				 sec->size(vgpu));
	}
	return size || final ? VGPU_MIG_HEADER_SIZE + size : 0;
}

/* A refused stream: a counter and a debug line, never a warning. */
static void vgpu_mig_refuse(struct vgpu *vgpu, enum vgpu_mig_refusal why,
			    int err)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu->stats.mig_refused++;
	dev_dbg(mdev_dev(vgpu->mdev), "migration stream refused: %s (%d)\n",
		vgpu_mig_refusal_name(why), err);
}

/* ---- the data file ---- */

static void vgpu_mig_file_free(struct vgpu_mig_file *migf)
{
	unsigned int i;

	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++)
		kvfree(migf->rx.kept[i].p);
	kvfree(migf->rx.ggtt.pte);
	kvfree(migf->buf);
	mutex_destroy(&migf->lock);
	kfree(migf);
}

/*
 * Append a chunk of @kind with the sections it wants to the session
 * (migf->lock and vgpu->lock held). Saving a section marks its state
 * clean: what changes from now on goes in a later chunk.
 */
static int vgpu_mig_write_chunk(struct vgpu *vgpu, struct vgpu_mig_file *migf,
				enum vgpu_mig_kind kind)
{
	bool final = kind == VGPU_MIG_KIND_FINAL;
	const struct vgpu_mig_section *sec;
	struct vgpu_mig_writer w;
	u32 here = 0;
	unsigned int i;
	int len;

	lockdep_assert_held(&migf->lock);
	lockdep_assert_held(&vgpu->lock);
	vgpu_mig_begin(&w, migf->buf + migf->len, migf->size - migf->len,
		       vgpu_mig_type(vgpu), kind, migf->seq);
	for (i = 0; kind != VGPU_MIG_KIND_PREAMBLE &&
	     i < ARRAY_SIZE(vgpu_mig_sections); i++) {
		sec = &vgpu_mig_sections[i];
		if (!vgpu_mig_wanted(vgpu, sec, migf->sent, final))
			continue;
		vgpu_mig_section_begin(&w, sec->id);
		sec->save(vgpu, &w);
		vgpu_mig_section_end(&w);
		here |= VGPU_MIG_SEC_BIT(sec->id);
	}
	len = vgpu_mig_end(&w);
	if (len < 0)
		return len;
	migf->len += len;
	migf->seq++;
	migf->sent |= here;
	migf->final = final;
	if (final)
		vgpu->stats.mig_stopcopy_bytes = len;
	else
		vgpu->stats.mig_precopy_bytes += len;
	return 0;
}

/*
 * Pre-copy, the reader read everything: the changes since, as an early
 * chunk in the emptied buffer; -ENOMSG when nothing changed (the
 * temporary end of the stream).
 */
static int vgpu_mig_refill(struct vgpu_mig_file *migf)
{
	struct vgpu *vgpu = migf->vgpu;
	int ret = -ENOMSG;

	lockdep_assert_held(&migf->lock);
	mutex_lock(&vgpu->lock);
	if (vgpu_mig_chunk_bytes(vgpu, migf->sent, false)) {
		migf->len = 0;
		migf->rpos = 0;
		migf->initial = 0;
		ret = vgpu_mig_write_chunk(vgpu, migf, VGPU_MIG_KIND_EARLY);
	}
	mutex_unlock(&vgpu->lock);
	return ret;
}

static int vgpu_mig_fd_release(struct inode *inode, struct file *filp)
{
	vgpu_mig_file_free(filp->private_data);
	return 0;
}

static ssize_t vgpu_mig_fd_read(struct file *filp, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct vgpu_mig_file *migf = filp->private_data;
	ssize_t ret;
	u32 n;

	if (ppos)
		return -ESPIPE;
	mutex_lock(&migf->lock);
	ret = migf->disabled ? -ENODEV : 0;
	if (!ret && migf->rpos == migf->len && !migf->final)
		ret = vgpu_mig_refill(migf);
	if (!ret && migf->rpos < migf->len) {
		n = min_t(size_t, count, migf->len - migf->rpos);
		ret = copy_to_user(buf, migf->buf + migf->rpos, n) ?
		      -EFAULT : n;
		if (ret > 0)
			migf->rpos += n;
	}
	mutex_unlock(&migf->lock);
	return ret;
}

/* Refuse a received stream for good (migf->lock held). */
static int vgpu_mig_fd_refuse(struct vgpu_mig_file *migf,
			      enum vgpu_mig_refusal why)
{
	struct vgpu *vgpu = migf->vgpu;
	int err = vgpu_mig_refusal_errno(why);

	lockdep_assert_held(&migf->lock);
	migf->rx.refused = why;
	mutex_lock(&vgpu->lock);
	vgpu_mig_refuse(vgpu, why, err);
	mutex_unlock(&vgpu->lock);
	return err;
}

/*
 * RESUMING: the stream arrives in any pieces. Each early chunk is checked
 * and staged as soon as it is whole (the buffer holds one chunk); another
 * type or version is refused as soon as a header is in; the final chunk
 * waits for RESUMING -> STOP.
 */
static ssize_t vgpu_mig_fd_write(struct file *filp, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct vgpu_mig_file *migf = filp->private_data;
	struct vgpu_mig_receiver *rx = &migf->rx;
	enum vgpu_mig_refusal why;
	size_t done = 0;
	ssize_t ret;
	u32 n;

	if (ppos)
		return -ESPIPE;
	mutex_lock(&migf->lock);
	if (migf->disabled) {
		ret = -ENODEV;
		goto out;
	}
	if (rx->refused) {
		ret = vgpu_mig_refusal_errno(rx->refused);
		goto out;
	}
	while (done < count) {
		n = min_t(size_t, count - done, rx->size - rx->len);
		/* Full: bytes after the final chunk, or none fits. */
		if (!n) {
			ret = vgpu_mig_fd_refuse(migf, VGPU_MIG_BAD_OVERSIZED);
			goto out;
		}
		if (copy_from_user(rx->buf + rx->len, buf + done, n)) {
			ret = done ? done : -EFAULT;
			goto out;
		}
		why = vgpu_mig_receive(rx, n);
		if (why) {
			ret = vgpu_mig_fd_refuse(migf, why);
			goto out;
		}
		done += n;
	}
	ret = count;
out:
	mutex_unlock(&migf->lock);
	return ret;
}

#if KCOMPAT_VFIO_MIGRATION_PRE_COPY
/*
 * VFIO_MIG_GET_PRECOPY_INFO: what is left to read of the pre-copy data.
 * initial_bytes: what is unread of the preamble and the first early
 * chunk; dirty_bytes: what is unread of later chunks, and the chunk of
 * the changes not yet written (written when the reader gets there). Both
 * zero: a read gets ENOMSG. A saving session that is not final is in
 * PRE_COPY or PRE_COPY_P2P, so the vGPU is there: the session ends before
 * it can go.
 */
static long vgpu_mig_precopy_info(struct vgpu_mig_file *migf,
				  unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_precopy_info,
					  dirty_bytes);
	struct vgpu *vgpu = migf->vgpu;
	struct vfio_precopy_info info;
	long ret = 0;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	mutex_lock(&migf->lock);
	if (migf->disabled || !migf->saving || migf->final) {
		ret = -EINVAL;
	} else {
		info.initial_bytes = migf->initial > migf->rpos ?
				     migf->initial - migf->rpos : 0;
		info.dirty_bytes = migf->len -
				   max(migf->rpos, migf->initial);
		mutex_lock(&vgpu->lock);
		info.dirty_bytes += vgpu_mig_chunk_bytes(vgpu, migf->sent,
							 false);
		mutex_unlock(&vgpu->lock);
	}
	mutex_unlock(&migf->lock);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}
#endif

static long vgpu_mig_fd_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
#if KCOMPAT_VFIO_MIGRATION_PRE_COPY
	if (cmd == VFIO_MIG_GET_PRECOPY_INFO)
		return vgpu_mig_precopy_info(filp->private_data, arg);
#endif
	return -ENOTTY;
}

static const struct file_operations vgpu_mig_fops = {
	.owner = THIS_MODULE,
	.read = vgpu_mig_fd_read,
	.write = vgpu_mig_fd_write,
	.unlocked_ioctl = vgpu_mig_fd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.release = vgpu_mig_fd_release,
};

/*
 * The receiver's buffers: one chunk, the GGTT it assembles, and the last
 * copy of each section sent early and resent whole.
 */
static int vgpu_mig_rx_alloc(struct vgpu *vgpu, struct vgpu_mig_file *migf)
{
	struct vgpu_mig_receiver *rx = &migf->rx;
	const struct vgpu_mig_section *sec;
	struct vgpu_mig_kept *k;
	unsigned int i;

	vgpu_mig_receiver_init(rx, vgpu_mig_type(vgpu), migf->buf, migf->size);
	rx->ggtt.nr = vgpu->gtt.nr_entries;
	rx->ggtt.size = vgpu_slice_size(vgpu);
	rx->ggtt.pte = kvcalloc(rx->ggtt.nr, sizeof(u64), GFP_KERNEL);
	if (!rx->ggtt.pte)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(vgpu_mig_sections); i++) {
		sec = &vgpu_mig_sections[i];
		if (sec->when != VGPU_MIG_EARLY || !sec->load)
			continue;
		k = &rx->kept[sec->id - 1];
		k->size = sec->size(vgpu);
		k->p = kvzalloc(k->size, GFP_KERNEL);
		if (!k->p)
			return -ENOMEM;
	}
	return 0;
}

/*
 * A new session; vgpu->mig.file keeps it. Saving, its buffer holds the
 * preamble, an early chunk and the final chunk at their longest (what a
 * reader left unread, then the final chunk); receiving, one chunk.
 */
static struct vgpu_mig_file *vgpu_mig_file_new(struct vgpu *vgpu, int flags)
{
	struct vgpu_mig_file *migf;
	struct file *filp;
	int ret = -ENOMEM;

	lockdep_assert_held(&vgpu->mig.lock);
	migf = kzalloc(sizeof(*migf), GFP_KERNEL);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	migf->vgpu = vgpu;
	migf->saving = flags == O_RDONLY;
	mutex_init(&migf->lock);
	migf->size = vgpu_mig_max_chunk(vgpu, true);
	if (migf->saving)
		migf->size += VGPU_MIG_HEADER_SIZE +
			      vgpu_mig_max_chunk(vgpu, false);
	migf->buf = kvzalloc(migf->size, GFP_KERNEL);
	if (!migf->buf)
		goto err;
	if (!migf->saving) {
		ret = vgpu_mig_rx_alloc(vgpu, migf);
		if (ret)
			goto err;
	}
	filp = anon_inode_getfile("vgpu_mig", &vgpu_mig_fops, migf, flags);
	if (IS_ERR(filp)) {
		ret = PTR_ERR(filp);
		goto err;
	}
	/* From here the file's release frees @migf. */
	migf->filp = filp;
	stream_open(filp->f_inode, filp);
	/* One reference for the user's fd, one for vgpu->mig.file. */
	get_file(filp);
	vgpu->mig.file = migf;
	if (migf->saving) {
		mutex_lock(&vgpu->lock);
		vgpu->stats.mig_precopy_bytes = 0;
		vgpu->stats.mig_stopcopy_bytes = 0;
		mutex_unlock(&vgpu->lock);
	}
	return migf;

err:
	vgpu_mig_file_free(migf);
	return ERR_PTR(ret);
}

/* End the session: the file reads and writes nothing any more. */
static struct file *vgpu_mig_end_session(struct vgpu *vgpu)
{
	struct vgpu_mig_file *migf = vgpu->mig.file;

	lockdep_assert_held(&vgpu->mig.lock);
	if (!migf)
		return NULL;
	mutex_lock(&migf->lock);
	migf->disabled = true;
	mutex_unlock(&migf->lock);
	vgpu->mig.file = NULL;
	fput(migf->filp);
	return NULL;
}

/*
 * The device stopped: the final chunk after what the reader has not read
 * yet (which it reads first; what it read makes room).
 */
static int vgpu_mig_write_final(struct vgpu *vgpu, struct vgpu_mig_file *migf)
{
	int ret;

	mutex_lock(&migf->lock);
	memmove(migf->buf, migf->buf + migf->rpos, migf->len - migf->rpos);
	migf->len -= migf->rpos;
	migf->initial -= min(migf->initial, migf->rpos);
	migf->rpos = 0;
	mutex_lock(&vgpu->lock);
	ret = vgpu_mig_write_chunk(vgpu, migf, VGPU_MIG_KIND_FINAL);
	mutex_unlock(&vgpu->lock);
	mutex_unlock(&migf->lock);
	return ret;
}

/* ---- the arcs ---- */

/* RUNNING -> RUNNING_P2P, PRE_COPY -> PRE_COPY_P2P */
static struct file *vgpu_mig_quiesce(struct vgpu *vgpu)
{
	vgpu_sched_quiesce(vgpu, true);
	return NULL;
}

/* RUNNING_P2P -> RUNNING, PRE_COPY_P2P -> PRE_COPY */
static struct file *vgpu_mig_unquiesce(struct vgpu *vgpu)
{
	vgpu_sched_quiesce(vgpu, false);
	return NULL;
}

/*
 * RUNNING_P2P -> STOP: wait until the GPU holds nothing of the vGPU's,
 * publish the completions (the last guest-memory writes and interrupts),
 * then stop interrupts, vblanks and BAR0 writes.
 */
static int vgpu_mig_stop_device(struct vgpu *vgpu)
{
	struct vgpu_gpu *gpu = vgpu->gpu;
	struct vgpu_vengine *ve;
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		if (ve->present &&
		    !wait_event_timeout(ve->drained, vgpu_sched_quiet(ve),
					msecs_to_jiffies(VGPU_MIG_DRAIN_TIMEOUT_MS)))
			return -ETIMEDOUT;
	}
	/* A watchdog kill publishes through the completion work too. */
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		flush_work(&gpu->engine[e].kill_work);
	flush_work(&vgpu->complete_work);
	mutex_lock(&vgpu->lock);
	vgpu_irq_freeze(vgpu, true);
	vgpu_display_freeze(vgpu, true);
	mutex_unlock(&vgpu->lock);
	return 0;
}

static struct file *vgpu_mig_stop(struct vgpu *vgpu)
{
	int ret = vgpu_mig_stop_device(vgpu);

	return ret ? ERR_PTR(ret) : NULL;
}

/* STOP -> RUNNING_P2P */
static struct file *vgpu_mig_thaw(struct vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	vgpu_display_freeze(vgpu, false);
	vgpu_irq_freeze(vgpu, false);
	mutex_unlock(&vgpu->lock);
	return NULL;
}

/* STOP -> STOP_COPY: the whole state, read to the end of the file. */
static struct file *vgpu_mig_save(struct vgpu *vgpu)
{
	struct vgpu_mig_file *migf = vgpu_mig_file_new(vgpu, O_RDONLY);
	int ret;

	if (IS_ERR(migf))
		return ERR_CAST(migf);
	ret = vgpu_mig_write_final(vgpu, migf);
	if (ret) {
		vgpu_mig_end_session(vgpu);
		fput(migf->filp);
		return ERR_PTR(ret);
	}
	return migf->filp;
}

/*
 * RUNNING -> PRE_COPY, RUNNING_P2P -> PRE_COPY_P2P: a session whose first
 * bytes are the preamble and an early chunk: the GGTT, the display and
 * the EDIDs as they are now, the guest running on. From here their
 * owners track what changes.
 */
static struct file *vgpu_mig_precopy(struct vgpu *vgpu)
{
	struct vgpu_mig_file *migf = vgpu_mig_file_new(vgpu, O_RDONLY);
	int ret;

	if (IS_ERR(migf))
		return ERR_CAST(migf);
	mutex_lock(&migf->lock);
	mutex_lock(&vgpu->lock);
	ret = vgpu_mig_write_chunk(vgpu, migf, VGPU_MIG_KIND_PREAMBLE);
	if (!ret)
		ret = vgpu_mig_write_chunk(vgpu, migf, VGPU_MIG_KIND_EARLY);
	mutex_unlock(&vgpu->lock);
	migf->initial = migf->len;
	mutex_unlock(&migf->lock);
	if (ret) {
		vgpu_mig_end_session(vgpu);
		fput(migf->filp);
		return ERR_PTR(ret);
	}
	return migf->filp;
}

/*
 * PRE_COPY_P2P -> STOP_COPY: stop, then the final chunk: the state that
 * changes as the guest runs, and what changed of the early state.
 */
static struct file *vgpu_mig_stop_copy(struct vgpu *vgpu)
{
	int ret = vgpu_mig_stop_device(vgpu);

	if (!ret)
		ret = vgpu_mig_write_final(vgpu, vgpu->mig.file);
	return ret ? ERR_PTR(ret) : NULL;
}

/*
 * STOP -> RESUMING: the device at power-on (nothing queued, nothing
 * pinned), stopped, and a session to write the stream to.
 */
static struct file *vgpu_mig_resume(struct vgpu *vgpu)
{
	struct vgpu_mig_file *migf;

	mutex_lock(&vgpu->lock);
	vgpu_reset_device(vgpu);
	mutex_unlock(&vgpu->lock);
	migf = vgpu_mig_file_new(vgpu, O_WRONLY);
	return IS_ERR(migf) ? ERR_CAST(migf) : migf->filp;
}

/*
 * Take a received stream (vgpu->lock held): the framing, then each
 * section, in load order, by its owner. Return: 0 or an errno.
 */
static int vgpu_mig_load_stream(struct vgpu *vgpu, struct vgpu_mig_file *migf)
{
	struct vgpu_mig_receiver *rx = &migf->rx;
	enum vgpu_mig_refusal why = rx->refused;
	const struct vgpu_mig_section *sec;
	struct vgpu_mig_stream s;
	unsigned int i;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	/* Refused, and counted, by a write already. */
	if (why)
		return vgpu_mig_refusal_errno(why);
	why = vgpu_mig_receive_end(rx, &s);
	if (why) {
		ret = vgpu_mig_refusal_errno(why);
		vgpu_mig_refuse(vgpu, why, ret);
		return ret;
	}
	for (i = 0; i < ARRAY_SIZE(vgpu_mig_sections); i++) {
		sec = &vgpu_mig_sections[i];
		if (sec->id == VGPU_MIG_SEC_GGTT)
			ret = vgpu_gtt_mig_load(vgpu, &rx->ggtt);
		else if (sec->load)
			ret = sec->load(vgpu, &s.section[sec->id - 1]);
		else
			continue;	/* a delta: in rx->ggtt already */
		if (ret) {
			vgpu_mig_refuse(vgpu, VGPU_MIG_BAD_CONTENT, ret);
			dev_dbg(mdev_dev(vgpu->mdev),
				"migration: section %u refused\n", sec->id);
			return ret;
		}
	}
	return 0;
}

/*
 * RESUMING -> STOP: load what was written. A refused stream leaves the
 * device reset and in ERROR; VFIO_DEVICE_RESET makes it usable again.
 */
static struct file *vgpu_mig_load(struct vgpu *vgpu)
{
	struct vgpu_mig_file *migf = vgpu->mig.file;
	int ret;

	mutex_lock(&migf->lock);
	mutex_lock(&vgpu->lock);
	ret = vgpu_mig_load_stream(vgpu, migf);
	if (ret)
		vgpu_reset_device(vgpu);
	mutex_unlock(&vgpu->lock);
	mutex_unlock(&migf->lock);
	vgpu_mig_end_session(vgpu);
	if (!ret)
		return NULL;
	vgpu->mig.state = VFIO_DEVICE_STATE_ERROR;
	return ERR_PTR(ret);
}

/**
 * struct vgpu_mig_arc - one single arc of the FSM
 * @from: enum vfio_device_mig_state
 * @to: enum vfio_device_mig_state
 * @step: what the device does; a new session's file, NULL, or ERR_PTR
 *	(unused in vgpu_mig_forbidden[])
 */
struct vgpu_mig_arc {
	u32 from;
	u32 to;
	struct file *(*step)(struct vgpu *vgpu);
};

static const struct vgpu_mig_arc vgpu_mig_arcs[] = {
	{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P,
	  vgpu_mig_quiesce },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_RUNNING,
	  vgpu_mig_unquiesce },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_STOP,
	  vgpu_mig_stop },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING_P2P,
	  vgpu_mig_thaw },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY,
	  vgpu_mig_save },
	{ VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP,
	  vgpu_mig_end_session },
	{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RESUMING,
	  vgpu_mig_resume },
	{ VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_STOP,
	  vgpu_mig_load },
	/* Only where the kernel has PRE_COPY (the core asks for no other). */
	{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_PRE_COPY,
	  vgpu_mig_precopy },
	{ VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_RUNNING,
	  vgpu_mig_end_session },
	{ VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_PRE_COPY_P2P,
	  vgpu_mig_precopy },
	{ VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P,
	  vgpu_mig_quiesce },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_PRE_COPY,
	  vgpu_mig_unquiesce },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_RUNNING_P2P,
	  vgpu_mig_end_session },
	{ VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_STOP_COPY,
	  vgpu_mig_stop_copy },
};

/*
 * Arcs <uapi/linux/vfio.h> does not permit although both states exist.
 * The core's path finder (vfio_mig_get_next_state(), 6.2 up to at least
 * 6.12) never returns for them: its table gives ERROR, whose flags no
 * device has, and it loops looking for a supported state. So they are
 * refused before it is asked.
 */
static const struct vgpu_mig_arc vgpu_mig_forbidden[] = {
	{ VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_PRE_COPY },
	{ VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P },
};

static bool vgpu_mig_arc_forbidden(u32 from, u32 to)
{
	unsigned int i;

	/* The core's path finder takes no arc from ERROR: only a reset. */
	if (from == VFIO_DEVICE_STATE_ERROR)
		return true;
	for (i = 0; i < ARRAY_SIZE(vgpu_mig_forbidden); i++)
		if (vgpu_mig_forbidden[i].from == from &&
		    vgpu_mig_forbidden[i].to == to)
			return true;
	return false;
}

static struct file *vgpu_mig_step(struct vgpu *vgpu, u32 next)
{
	const struct vgpu_mig_arc *arc;
	unsigned int i;

	lockdep_assert_held(&vgpu->mig.lock);
	for (i = 0; i < ARRAY_SIZE(vgpu_mig_arcs); i++) {
		arc = &vgpu_mig_arcs[i];
		if (arc->from == vgpu->mig.state && arc->to == next)
			return arc->step(vgpu);
	}
	/* vfio_mig_get_next_state() only gives arcs of the table. */
	return ERR_PTR(-EINVAL);
}

static struct file *vgpu_mig_set_state(struct vfio_device *vdev,
				       enum vfio_device_mig_state new_state)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&vgpu->mig.lock);
	if (vgpu_mig_arc_forbidden(vgpu->mig.state, new_state))
		res = ERR_PTR(-EINVAL);
	while (!res && vgpu->mig.state != new_state) {
		ret = vfio_mig_get_next_state(vdev, vgpu->mig.state, new_state,
					      &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = vgpu_mig_step(vgpu, next);
		if (IS_ERR(res))
			break;
		vgpu->mig.state = next;
		/* Only the last arc of a combination opens a session. */
		if (WARN_ON(res && next != new_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&vgpu->mig.lock);
	return res;
}

static int vgpu_mig_get_state(struct vfio_device *vdev,
			      enum vfio_device_mig_state *state)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);

	mutex_lock(&vgpu->mig.lock);
	*state = vgpu->mig.state;
	mutex_unlock(&vgpu->mig.lock);
	return 0;
}

/*
 * The STOP_COPY estimate (VFIO_DEVICE_FEATURE_MIG_DATA_SIZE): what is
 * left to read once the device stops, were it stopped now. Without
 * pre-copy that is the whole state: the GGTT, which grows with the memory
 * the guest maps, counts the entries set, the other sections their
 * longest payload. In pre-copy it is what the reader has not read yet and
 * the final chunk: the changed GGTT entries, the display and EDIDs if
 * they changed, the rest at its longest. A VMM (QEMU) adds it to what is
 * left of guest memory to decide when to stop the guest, and sizes its
 * read buffer by it: the longest stream of a large type (3 MiB of GGTT
 * entries) would stand for a few kilobytes.
 */
static int __maybe_unused vgpu_mig_get_data_size(struct vfio_device *vdev,
						 unsigned long *len)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);
	struct vgpu_mig_file *migf;
	unsigned long unread = 0;
	u32 sent = 0;

	mutex_lock(&vgpu->mig.lock);
	migf = vgpu->mig.file;
	if (migf && migf->saving) {
		mutex_lock(&migf->lock);
		if (!migf->final && !migf->disabled) {
			unread = migf->len - migf->rpos;
			sent = migf->sent;
		}
		mutex_unlock(&migf->lock);
	}
	mutex_lock(&vgpu->lock);
	*len = unread + vgpu_mig_chunk_bytes(vgpu, sent, true);
	mutex_unlock(&vgpu->lock);
	mutex_unlock(&vgpu->mig.lock);
	return 0;
}

static const struct vfio_migration_ops vgpu_mig_ops = {
	.migration_set_state = vgpu_mig_set_state,
	.migration_get_state = vgpu_mig_get_state,
	KCOMPAT_VFIO_MIG_DATA_SIZE(vgpu_mig_get_data_size)
};

/**
 * vgpu_mig_init() - a new vGPU can migrate
 * @vgpu: the vGPU, not yet registered
 */
void vgpu_mig_init(struct vgpu *vgpu)
{
	BUILD_BUG_ON(ARRAY_SIZE(vgpu_mig_sections) != VGPU_MIG_SEC_COUNT);
	mutex_init(&vgpu->mig.lock);
	vgpu->mig.state = VFIO_DEVICE_STATE_RUNNING;
	vgpu->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY |
				     VFIO_MIGRATION_P2P |
				     KCOMPAT_VFIO_MIGRATION_PRE_COPY;
	vgpu->vdev.mig_ops = &vgpu_mig_ops;
}

/**
 * vgpu_mig_fini() - undo vgpu_mig_init()
 * @vgpu: the vGPU, released
 */
void vgpu_mig_fini(struct vgpu *vgpu)
{
	mutex_destroy(&vgpu->mig.lock);
}

/* Back to RUNNING with no session: a reset, or a close. */
static void vgpu_mig_to_running(struct vgpu *vgpu, bool reset)
{
	lockdep_assert_held(&vgpu->mig.lock);
	vgpu_mig_end_session(vgpu);
	mutex_lock(&vgpu->lock);
	if (reset)
		vgpu_reset_device(vgpu);
	vgpu_display_freeze(vgpu, false);
	vgpu_irq_freeze(vgpu, false);
	mutex_unlock(&vgpu->lock);
	vgpu_sched_quiesce(vgpu, false);
	vgpu->mig.state = VFIO_DEVICE_STATE_RUNNING;
}

/**
 * vgpu_mig_device_reset() - VFIO_DEVICE_RESET
 * @vgpu: the vGPU
 *
 * The device at power-on, RUNNING, from any state (ERROR included); an
 * open data file reads and writes nothing any more.
 */
void vgpu_mig_device_reset(struct vgpu *vgpu)
{
	mutex_lock(&vgpu->mig.lock);
	vgpu_mig_to_running(vgpu, true);
	mutex_unlock(&vgpu->mig.lock);
}

/**
 * vgpu_mig_close() - the VFIO device is being closed
 * @vgpu: the vGPU
 *
 * The session ends before close_device() returns, as the core requires;
 * the next open finds the device RUNNING.
 */
void vgpu_mig_close(struct vgpu *vgpu)
{
	mutex_lock(&vgpu->mig.lock);
	vgpu_mig_to_running(vgpu, false);
	mutex_unlock(&vgpu->mig.lock);
}
