// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vGPU sysfs attributes (on the mdev device): the scheduling knobs
 * weight, cap and priority, settable at run time with immediate effect,
 * the display knobs, and read-only accounting. Also the uevent that
 * records an audit refusal.
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "vgpu_drv.h"

static struct vgpu *dev_to_vgpu(struct device *dev)
{
	return dev_get_drvdata(dev);
}

enum vgpu_knob {
	KNOB_WEIGHT,
	KNOB_CAP,
	KNOB_PRIORITY,
};

static ssize_t vgpu_knob_show(struct device *dev, char *buf,
			      enum vgpu_knob knob)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	u32 v;

	spin_lock_irq(&vgpu->gpu->sched_lock);
	v = knob == KNOB_WEIGHT ? vgpu->entity.weight :
	    knob == KNOB_CAP ? vgpu->entity.cap : vgpu->entity.prio;
	spin_unlock_irq(&vgpu->gpu->sched_lock);
	return sysfs_emit(buf, "%u\n", v);
}

static ssize_t vgpu_knob_store(struct device *dev, const char *buf,
			       size_t count, enum vgpu_knob knob)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	struct vsched *s = &vgpu->gpu->sched;
	u32 v;
	int ret;

	ret = kstrtou32(buf, 0, &v);
	if (ret)
		return ret;
	spin_lock_irq(&vgpu->gpu->sched_lock);
	if (knob == KNOB_WEIGHT)
		ret = vsched_entity_set_weight(s, &vgpu->entity, v);
	else if (knob == KNOB_CAP)
		ret = vsched_entity_set_cap(s, &vgpu->entity, v);
	else
		ret = vsched_entity_set_priority(s, &vgpu->entity, v);
	spin_unlock_irq(&vgpu->gpu->sched_lock);
	return ret ?: count;
}

/* A read/write attribute for each scheduling knob. */
#define VGPU_KNOB_ATTR(name, knob)					\
static const enum vgpu_knob name##_knob = (knob);			\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return vgpu_knob_show(dev, buf, name##_knob);			\
}									\
static ssize_t name##_store(struct device *dev,				\
			    struct device_attribute *attr,		\
			    const char *buf, size_t count)		\
{									\
	return vgpu_knob_store(dev, buf, count, name##_knob);		\
}									\
static DEVICE_ATTR_RW(name)

VGPU_KNOB_ATTR(weight, KNOB_WEIGHT);
VGPU_KNOB_ATTR(cap, KNOB_CAP);
VGPU_KNOB_ATTR(priority, KNOB_PRIORITY);

/* Scheduler accounting summed over the engines. */
static void vgpu_sched_stats(struct vgpu *vgpu, struct vsched_stats *sum)
{
	struct vsched_stats st;
	unsigned int e;

	memset(sum, 0, sizeof(*sum));
	spin_lock_irq(&vgpu->gpu->sched_lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		vsched_entity_stats(&vgpu->gpu->sched, &vgpu->entity, e, &st);
		sum->busy_ns += st.busy_ns;
		sum->workloads_started += st.workloads_started;
		sum->workloads_completed += st.workloads_completed;
		sum->workloads_killed += st.workloads_killed;
		sum->preemptions += st.preemptions;
	}
	spin_unlock_irq(&vgpu->gpu->sched_lock);
}

static ssize_t busy_ns_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	struct vsched_stats st;
	u64 busy[VGPU_ENGINE_COUNT];
	unsigned int e;

	spin_lock_irq(&vgpu->gpu->sched_lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		vsched_entity_stats(&vgpu->gpu->sched, &vgpu->entity, e, &st);
		busy[e] = st.busy_ns;
	}
	spin_unlock_irq(&vgpu->gpu->sched_lock);
	BUILD_BUG_ON(VGPU_ENGINE_COUNT != 2);
	return sysfs_emit(buf, "%llu %llu\n", busy[VGPU_ENGINE_RENDER],
			  busy[VGPU_ENGINE_COPY]);
}
static DEVICE_ATTR_RO(busy_ns);

static ssize_t workloads_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct vsched_stats st;

	vgpu_sched_stats(dev_to_vgpu(dev), &st);
	return sysfs_emit(buf, "started %llu\ncompleted %llu\nkilled %llu\npreemptions %llu\n",
			  st.workloads_started, st.workloads_completed,
			  st.workloads_killed, st.preemptions);
}
static DEVICE_ATTR_RO(workloads);

/*
 * Counters kept under vgpu->lock. The pin counters include pages whose
 * unpin waits for a GGTT flush (at most VGPU_GTT_FLUSH_DELAY_MS).
 */
#define VGPU_STAT_ATTR(name, field)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct vgpu *vgpu = dev_to_vgpu(dev);				\
	u64 v;								\
									\
	mutex_lock(&vgpu->lock);					\
	v = vgpu->stats.field;						\
	mutex_unlock(&vgpu->lock);					\
	return sysfs_emit(buf, "%llu\n", v);				\
}									\
static DEVICE_ATTR_RO(name)

VGPU_STAT_ATTR(audit_rejections, audit_rejections);
VGPU_STAT_ATTR(pinned_pages, pinned);
VGPU_STAT_ATTR(pins, pins);
VGPU_STAT_ATTR(unpins, unpins);
VGPU_STAT_ATTR(unhandled_accesses, unhandled);
VGPU_STAT_ATTR(gtt_refused, gtt_refused);
VGPU_STAT_ATTR(migration_refused, mig_refused);
VGPU_STAT_ATTR(migration_precopy_bytes, mig_precopy_bytes);
VGPU_STAT_ATTR(migration_stopcopy_bytes, mig_stopcopy_bytes);
VGPU_STAT_ATTR(hws_misses, hws_misses);
VGPU_STAT_ATTR(display_pinned_pages, disp_pinned);
VGPU_STAT_ATTR(display_errors, display_errors);
VGPU_STAT_ATTR(display_crcs, display_crcs);
VGPU_STAT_ATTR(display_crc_ns, display_crc_ns);
VGPU_STAT_ATTR(scan_ns, scan_ns);
VGPU_STAT_ATTR(scan_bytes, scan_bytes);

static const char * const vgpu_protocol_names[] = {
	[VGPU_PROTOCOL_REGION] = "region",
	[VGPU_PROTOCOL_DMABUF] = "dmabuf",
};

static ssize_t display_protocol_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);

	return sysfs_emit(buf, "%s\n",
			  vgpu_protocol_names[vgpu->display.protocol]);
}

/* Chosen before the VMM opens the device: it probes once, at start. */
static ssize_t display_protocol_store(struct device *dev,
				      struct device_attribute *attr,
				      const char *buf, size_t count)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	int ret;

	ret = sysfs_match_string(vgpu_protocol_names, buf);
	if (ret < 0)
		return ret;
	mutex_lock(&vgpu->lock);
	if (vgpu->open) {
		mutex_unlock(&vgpu->lock);
		return -EBUSY;
	}
	vgpu->display.protocol = ret;
	mutex_unlock(&vgpu->lock);
	return count;
}
static DEVICE_ATTR_RW(display_protocol);

/*
 * display_edid_mode: one line per head, "H WxH" (the device's EDID with
 * that preferred mode), "H vmm" (the VMM's EDID) or "H disconnected".
 */
static ssize_t display_edid_mode_show(struct device *dev,
				      struct device_attribute *attr,
				      char *buf)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	unsigned int h;
	u32 w = 0, ht = 0;
	int len = 0;

	mutex_lock(&vgpu->lock);
	for (h = 0; h < vgpu_heads(vgpu); h++) {
		switch (vgpu_edid_mode(vgpu, h, &w, &ht)) {
		case VGPU_EDID_GENERATED:
			len += sysfs_emit_at(buf, len, "%u %ux%u\n", h, w, ht);
			break;
		case VGPU_EDID_VMM:
			len += sysfs_emit_at(buf, len, "%u vmm\n", h);
			break;
		case VGPU_EDID_DISCONNECTED:
			len += sysfs_emit_at(buf, len, "%u disconnected\n", h);
			break;
		}
	}
	mutex_unlock(&vgpu->lock);
	return len;
}

/* A decimal number of digits only: no sign, space or base prefix. */
static int vgpu_parse_u32(const char *s, u32 *v)
{
	if (!*s || s[strspn(s, "0123456789")])
		return -EINVAL;
	return kstrtou32(s, 10, v);
}

/* Longest "H WxH" accepted: three u32 numbers, a space, an 'x', a newline. */
#define VGPU_EDID_MODE_LEN	(3 * 10 + 3)

/*
 * "H WxH": replug head H with the device's EDID preferring WxH (the
 * host's operator; QEMU's region display protocol never writes EDIDs).
 */
static ssize_t display_edid_mode_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	char str[VGPU_EDID_MODE_LEN + 1], *s, *head, *width;
	u32 h, w, ht;
	int ret;

	if (count > VGPU_EDID_MODE_LEN)
		return -EINVAL;
	memcpy(str, buf, count);
	str[count] = '\0';
	s = strim(str);
	head = strsep(&s, " ");
	width = strsep(&s, "x");
	if (!s)
		return -EINVAL;
	ret = vgpu_parse_u32(head, &h) ?: vgpu_parse_u32(width, &w) ?:
	      vgpu_parse_u32(s, &ht);
	if (ret)
		return -EINVAL;

	mutex_lock(&vgpu->lock);
	ret = vgpu_edid_set_mode(vgpu, h, w, ht);
	mutex_unlock(&vgpu->lock);
	return ret ?: count;
}
static DEVICE_ATTR_RW(display_edid_mode);

static ssize_t dmabufs_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);

	return sysfs_emit(buf, "%d\n",
			  atomic_read(&vgpu->display.live_dmabufs->live));
}
static DEVICE_ATTR_RO(dmabufs);

static ssize_t resets_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	u64 guest, watchdog;

	mutex_lock(&vgpu->lock);
	guest = vgpu->stats.resets;
	mutex_unlock(&vgpu->lock);
	spin_lock_irq(&vgpu->gpu->sched_lock);
	watchdog = vgpu->watchdog_resets;
	spin_unlock_irq(&vgpu->gpu->sched_lock);
	return sysfs_emit(buf, "%llu\n", guest + watchdog);
}
static DEVICE_ATTR_RO(resets);

static ssize_t submit_failures_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	u64 v;

	spin_lock_irq(&vgpu->gpu->sched_lock);
	v = vgpu->submit_failures;
	spin_unlock_irq(&vgpu->gpu->sched_lock);
	return sysfs_emit(buf, "%llu\n", v);
}
static DEVICE_ATTR_RO(submit_failures);

static ssize_t gfx_range_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct vgpu *vgpu = dev_to_vgpu(dev);
	u64 start, size;

	/* A migration destination may move the slice (vgpu_slice_move()). */
	mutex_lock(&vgpu->lock);
	start = vgpu_slice_start(vgpu);
	size = vgpu_slice_size(vgpu);
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%#llx %#llx\n", start, size);
}
static DEVICE_ATTR_RO(gfx_range);

static struct attribute *vgpu_attrs[] = {
	&dev_attr_weight.attr,
	&dev_attr_cap.attr,
	&dev_attr_priority.attr,
	&dev_attr_busy_ns.attr,
	&dev_attr_workloads.attr,
	&dev_attr_audit_rejections.attr,
	&dev_attr_resets.attr,
	&dev_attr_submit_failures.attr,
	&dev_attr_pinned_pages.attr,
	&dev_attr_pins.attr,
	&dev_attr_unpins.attr,
	&dev_attr_unhandled_accesses.attr,
	&dev_attr_gtt_refused.attr,
	&dev_attr_migration_refused.attr,
	&dev_attr_migration_precopy_bytes.attr,
	&dev_attr_migration_stopcopy_bytes.attr,
	&dev_attr_hws_misses.attr,
	&dev_attr_gfx_range.attr,
	&dev_attr_display_protocol.attr,
	&dev_attr_display_edid_mode.attr,
	&dev_attr_display_pinned_pages.attr,
	&dev_attr_display_errors.attr,
	&dev_attr_display_crcs.attr,
	&dev_attr_display_crc_ns.attr,
	&dev_attr_dmabufs.attr,
	&dev_attr_scan_ns.attr,
	&dev_attr_scan_bytes.attr,
	NULL,
};

static const struct attribute_group vgpu_attr_group = {
	.name = "vgpu",
	.attrs = vgpu_attrs,
};

const struct attribute_group *vgpu_dev_groups[] = {
	&vgpu_attr_group,
	NULL,
};

/**
 * vgpu_notify_audit() - record an audit refusal with a uevent
 * @vgpu: the vGPU
 * @engine: the engine whose submission was refused
 * @reason: enum vgpu_audit_reason
 */
void vgpu_notify_audit(struct vgpu *vgpu, enum vgpu_engine engine,
		       u32 reason)
{
	char ev[] = "VGPU_EVENT=audit", eng[24], why[48];
	char *envp[4];

	/* A guest that resets and misbehaves in a loop must not flood udev. */
	if (!__ratelimit(&vgpu->uevent_rs))
		return;

	snprintf(eng, sizeof(eng), "VGPU_ENGINE=%u", engine);
	snprintf(why, sizeof(why), "VGPU_AUDIT=%s",
		 cmdparser_reason_name(reason));
	envp[0] = ev;
	envp[1] = eng;
	envp[2] = why;
	envp[3] = NULL;
	kobject_uevent_env(&mdev_dev(vgpu->mdev)->kobj, KOBJ_CHANGE, envp);
}
