// SPDX-License-Identifier: GPL-2.0
/*
 * kms - see kms.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "igt_core.h"
#include "kms.h"

#define KMS_MAX_CARDS	16

int kms_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

int kms_driver_name(int fd, char *name, size_t len)
{
	struct drm_version v = { 0 };

	memset(name, 0, len);
	v.name = name;
	v.name_len = len - 1;
	return kms_ioctl(fd, DRM_IOCTL_VERSION, &v);
}

int kms_read_resources(struct kms_device *dev)
{
	struct drm_mode_card_res *r = &dev->res;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = kms_ioctl(dev->fd, DRM_IOCTL_MODE_GETRESOURCES, r);
	if (ret)
		return ret;
	if (r->count_crtcs > KMS_MAX_CRTCS)
		r->count_crtcs = KMS_MAX_CRTCS;
	if (r->count_connectors > KMS_MAX_CONNECTORS)
		r->count_connectors = KMS_MAX_CONNECTORS;
	if (r->count_encoders > KMS_MAX_ENCODERS)
		r->count_encoders = KMS_MAX_ENCODERS;
	r->count_fbs = 0;
	r->crtc_id_ptr = (uintptr_t)dev->crtcs;
	r->connector_id_ptr = (uintptr_t)dev->connectors;
	r->encoder_id_ptr = (uintptr_t)dev->encoders;
	return kms_ioctl(dev->fd, DRM_IOCTL_MODE_GETRESOURCES, r);
}

/* Open @path and fill @dev; -errno if it is no usable DRM node. */
static int kms_try_open(struct kms_device *dev, const char *path)
{
	struct stat st;

	memset(dev, 0, sizeof(*dev));
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return -errno;
	snprintf(dev->path, sizeof(dev->path), "%s", path);
	if (fstat(dev->fd, &st) || !S_ISCHR(st.st_mode) ||
	    kms_driver_name(dev->fd, dev->driver, sizeof(dev->driver))) {
		close(dev->fd);
		dev->fd = -1;
		return -ENODEV;
	}
	dev->minor = minor(st.st_rdev);
	return 0;
}

static bool kms_has_kms(struct kms_device *dev)
{
	return !kms_read_resources(dev) && dev->res.count_crtcs &&
	       dev->res.count_connectors;
}

static const char *kms_env_device(void)
{
	const char *env = getenv("IGT_DEVICE");

	if (!env || !*env)
		return NULL;
	if (!strncmp(env, "drm:", 4))
		env += 4;
	return env;
}

void kms_open(struct kms_device *dev)
{
	const char *env = kms_env_device();
	char path[64];
	int i, ret;

	if (env) {
		ret = kms_try_open(dev, env);
		igt_require_f(!ret, "IGT_DEVICE %s: %s\n", env,
			      strerror(-ret));
		igt_require_f(kms_has_kms(dev),
			      "IGT_DEVICE %s (%s) has no CRTC or connector\n",
			      env, dev->driver);
		return;
	}
	for (i = 0; i < KMS_MAX_CARDS; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		if (kms_try_open(dev, path))
			continue;
		if (strcmp(dev->driver, "vgem") && kms_has_kms(dev)) {
			igt_debug("device %s, driver %s\n", path, dev->driver);
			return;
		}
		close(dev->fd);
	}
	dev->fd = -1;
	igt_skip("%s\n",
		 "no DRM device with KMS (no /dev/dri/card* other than vgem with a CRTC and a connector)");
}

/* GETRESOURCES refused, or no connector. */
static bool kms_is_render_only(struct kms_device *dev)
{
	return kms_read_resources(dev) || !dev->res.count_connectors;
}

void kms_open_render_only(struct kms_device *dev, const char *driver)
{
	const char *env = kms_env_device();
	char path[64];
	int i, ret;

	if (env) {
		ret = kms_try_open(dev, env);
		igt_require_f(!ret, "IGT_DEVICE %s: %s\n", env,
			      strerror(-ret));
		igt_require_f(!strcmp(dev->driver, driver) &&
			      kms_is_render_only(dev),
			      "IGT_DEVICE %s (%s) is no render-only %s\n",
			      env, dev->driver, driver);
		return;
	}
	for (i = 0; i < KMS_MAX_CARDS; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		if (kms_try_open(dev, path))
			continue;
		if (!strcmp(dev->driver, driver) && kms_is_render_only(dev))
			return;
		close(dev->fd);
	}
	dev->fd = -1;
	igt_skip("no render-only %s device (a vGPU type without heads)\n",
		 driver);
}

void kms_close(struct kms_device *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

int kms_get_cap(int fd, __u64 cap, __u64 *value)
{
	struct drm_get_cap c = { .capability = cap };
	int ret = kms_ioctl(fd, DRM_IOCTL_GET_CAP, &c);

	if (!ret)
		*value = c.value;
	return ret;
}

int kms_set_client_cap(int fd, __u64 cap, __u64 value)
{
	struct drm_set_client_cap c = { .capability = cap, .value = value };

	return kms_ioctl(fd, DRM_IOCTL_SET_CLIENT_CAP, &c);
}

static int kms_get_encoder(int fd, __u32 id, struct drm_mode_get_encoder *e)
{
	memset(e, 0, sizeof(*e));
	e->encoder_id = id;
	return kms_ioctl(fd, DRM_IOCTL_MODE_GETENCODER, e);
}

int kms_get_connector(const struct kms_device *dev, __u32 id,
		      struct kms_connector *c)
{
	__u32 encoders[KMS_MAX_ENCODERS];
	struct drm_mode_get_connector g;
	struct drm_mode_get_encoder e;
	unsigned int i, n_enc;
	int ret, tries;

	memset(c, 0, sizeof(*c));
	/* The mode list may change between the two calls: retry. */
	for (tries = 0; tries < 5; tries++) {
		memset(&g, 0, sizeof(g));
		g.connector_id = id;
		ret = kms_ioctl(dev->fd, DRM_IOCTL_MODE_GETCONNECTOR, &g);
		if (ret)
			return ret;
		if (g.count_modes > KMS_MAX_MODES ||
		    g.count_encoders > KMS_MAX_ENCODERS)
			return -E2BIG;
		n_enc = g.count_encoders;
		c->count_modes = g.count_modes;
		g.count_props = 0;
		g.modes_ptr = (uintptr_t)c->modes;
		g.encoders_ptr = (uintptr_t)encoders;
		ret = kms_ioctl(dev->fd, DRM_IOCTL_MODE_GETCONNECTOR, &g);
		if (ret)
			return ret;
		if (g.count_modes == c->count_modes &&
		    g.count_encoders == n_enc)
			break;
	}
	if (tries == 5)
		return -EAGAIN;
	c->id = id;
	c->type = g.connector_type;
	c->type_id = g.connector_type_id;
	c->connection = g.connection;
	for (i = 0; i < n_enc; i++)
		if (!kms_get_encoder(dev->fd, encoders[i], &e))
			c->possible_crtcs |= e.possible_crtcs;
	return 0;
}

int kms_preferred_mode(const struct kms_connector *c)
{
	unsigned int i;

	if (!c->count_modes)
		return -1;
	for (i = 0; i < c->count_modes; i++)
		if (c->modes[i].type & DRM_MODE_TYPE_PREFERRED)
			return i;
	return 0;
}

int kms_find_outputs(const struct kms_device *dev, struct kms_output *out,
		     int max)
{
	struct kms_connector c;
	__u32 used = 0;
	unsigned int i;
	int n = 0, j;

	for (i = 0; i < dev->res.count_connectors && n < max; i++) {
		if (kms_get_connector(dev, dev->connectors[i], &c) ||
		    c.connection != 1 || !c.count_modes)
			continue;
		for (j = 0; j < (int)dev->res.count_crtcs; j++)
			if ((c.possible_crtcs & (1u << j)) &&
			    !(used & (1u << j)))
				break;
		if (j == (int)dev->res.count_crtcs)
			continue;
		used |= 1u << j;
		out[n].connector = c;
		out[n].crtc_id = dev->crtcs[j];
		out[n].crtc_index = j;
		out[n].mode = c.modes[kms_preferred_mode(&c)];
		n++;
	}
	return n;
}

void kms_require_output(const struct kms_device *dev, struct kms_output *out)
{
	igt_require_f(kms_find_outputs(dev, out, 1) == 1,
		      "no connected connector with a mode and a CRTC\n");
}

int kms_crtc_index(const struct kms_device *dev, __u32 crtc_id)
{
	unsigned int i;

	for (i = 0; i < dev->res.count_crtcs; i++)
		if (dev->crtcs[i] == crtc_id)
			return i;
	return -1;
}

double kms_mode_frame_ns(const struct drm_mode_modeinfo *mode)
{
	/* clock is in kHz; an interlaced mode's vblanks come per field. */
	double ns = (double)mode->htotal * mode->vtotal * 1e6 / mode->clock;

	return mode->flags & DRM_MODE_FLAG_INTERLACE ? ns / 2 : ns;
}

double kms_mode_refresh(const struct drm_mode_modeinfo *mode)
{
	return 1e9 / kms_mode_frame_ns(mode);
}

int kms_dumb_create(int fd, __u32 width, __u32 height, __u32 bpp,
		    __u32 *handle, __u32 *pitch, __u64 *size)
{
	struct drm_mode_create_dumb c = {
		.width = width, .height = height, .bpp = bpp,
	};
	int ret = kms_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c);

	if (ret)
		return ret;
	*handle = c.handle;
	if (pitch)
		*pitch = c.pitch;
	if (size)
		*size = c.size;
	return 0;
}

void *kms_dumb_map(int fd, __u32 handle, __u64 size)
{
	struct drm_mode_map_dumb m = { .handle = handle };
	void *p;
	int ret;

	ret = kms_ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
	if (ret) {
		errno = -ret;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 m.offset);
	return p == MAP_FAILED ? NULL : p;
}

int kms_gem_close(int fd, __u32 handle)
{
	struct drm_gem_close c = { .handle = handle };

	return kms_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

int kms_addfb2(int fd, __u32 width, __u32 height, __u32 format, __u32 handle,
	       __u32 pitch, __u32 offset, __u32 *fb_id)
{
	struct drm_mode_fb_cmd2 f = {
		.width = width, .height = height, .pixel_format = format,
		.handles = { handle }, .pitches = { pitch },
		.offsets = { offset },
	};
	int ret = kms_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f);

	if (!ret)
		*fb_id = f.fb_id;
	return ret;
}

int kms_rmfb(int fd, __u32 fb_id)
{
	return kms_ioctl(fd, DRM_IOCTL_MODE_RMFB, &fb_id);
}

int kms_fb_create(int fd, __u32 width, __u32 height, __u32 format,
		  struct kms_fb *fb)
{
	int ret;

	memset(fb, 0, sizeof(*fb));
	fb->fd = fd;
	fb->width = width;
	fb->height = height;
	ret = kms_dumb_create(fd, width, height, 32, &fb->handle, &fb->pitch,
			      &fb->size);
	if (ret)
		return ret;
	fb->map = kms_dumb_map(fd, fb->handle, fb->size);
	if (!fb->map) {
		ret = -errno;
		goto err_close;
	}
	ret = kms_addfb2(fd, width, height, format, fb->handle, fb->pitch, 0,
			 &fb->fb_id);
	if (ret)
		goto err_unmap;
	return 0;

err_unmap:
	munmap(fb->map, fb->size);
	fb->map = NULL;
err_close:
	kms_gem_close(fd, fb->handle);
	fb->handle = 0;
	return ret;
}

void kms_fb_destroy(struct kms_fb *fb)
{
	if (fb->fb_id)
		kms_rmfb(fb->fd, fb->fb_id);
	if (fb->map)
		munmap(fb->map, fb->size);
	if (fb->handle)
		kms_gem_close(fb->fd, fb->handle);
	memset(fb, 0, sizeof(*fb));
}

void kms_fb_fill_rect(struct kms_fb *fb, int x, int y, int w, int h,
		      __u32 color)
{
	int x1 = x + w, y1 = y + h, i, j;
	__u32 *line;

	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x1 > (int)fb->width)
		x1 = fb->width;
	if (y1 > (int)fb->height)
		y1 = fb->height;
	for (j = y; j < y1; j++) {
		line = (__u32 *)((char *)fb->map + (size_t)j * fb->pitch);
		for (i = x; i < x1; i++)
			line[i] = color;
	}
}

void kms_fb_fill(struct kms_fb *fb, __u32 color)
{
	kms_fb_fill_rect(fb, 0, 0, fb->width, fb->height, color);
}

void kms_fb_fill_pattern(struct kms_fb *fb, __u32 seed)
{
	int hw = fb->width / 2, hh = fb->height / 2;

	kms_fb_fill_rect(fb, 0, 0, hw, hh, 0xff000000 | (seed & 0xffffff));
	kms_fb_fill_rect(fb, hw, 0, fb->width - hw, hh,
			 0xff000000 | ((seed * 7 + 0x405060) & 0xffffff));
	kms_fb_fill_rect(fb, 0, hh, hw, fb->height - hh,
			 0xff000000 | ((seed * 13 + 0x102030) & 0xffffff));
	kms_fb_fill_rect(fb, hw, hh, fb->width - hw, fb->height - hh,
			 0xff000000 | ((~seed) & 0xffffff));
}

int kms_set_mode(const struct kms_device *dev, const struct kms_output *output,
		 const struct drm_mode_modeinfo *mode, __u32 fb_id)
{
	__u32 conn = output->connector.id;
	struct drm_mode_crtc c = {
		.crtc_id = output->crtc_id,
		.fb_id = fb_id,
		.set_connectors_ptr = (uintptr_t)&conn,
		.count_connectors = 1,
		.mode = mode ? *mode : output->mode,
		.mode_valid = 1,
	};

	return kms_ioctl(dev->fd, DRM_IOCTL_MODE_SETCRTC, &c);
}

void kms_output_show(const struct kms_device *dev,
		     const struct kms_output *output, struct kms_fb *fb,
		     __u32 color)
{
	igt_assert_ok(kms_fb_create(dev->fd, output->mode.hdisplay,
				    output->mode.vdisplay,
				    DRM_FORMAT_XRGB8888, fb));
	kms_fb_fill(fb, color);
	igt_assert_ok(kms_set_mode(dev, output, NULL, fb->fb_id));
}

int kms_disable_crtc(const struct kms_device *dev, __u32 crtc_id)
{
	struct drm_mode_crtc c = { .crtc_id = crtc_id };

	return kms_ioctl(dev->fd, DRM_IOCTL_MODE_SETCRTC, &c);
}

void kms_disable_all(const struct kms_device *dev)
{
	unsigned int i;

	for (i = 0; i < dev->res.count_crtcs; i++)
		kms_disable_crtc(dev, dev->crtcs[i]);
}

int kms_get_crtc(const struct kms_device *dev, __u32 crtc_id,
		 struct drm_mode_crtc *crtc)
{
	memset(crtc, 0, sizeof(*crtc));
	crtc->crtc_id = crtc_id;
	return kms_ioctl(dev->fd, DRM_IOCTL_MODE_GETCRTC, crtc);
}

int kms_page_flip(const struct kms_device *dev, __u32 crtc_id, __u32 fb_id,
		  __u32 flags, __u64 user_data)
{
	struct drm_mode_crtc_page_flip f = {
		.crtc_id = crtc_id, .fb_id = fb_id, .flags = flags,
		.user_data = user_data,
	};

	return kms_ioctl(dev->fd, DRM_IOCTL_MODE_PAGE_FLIP, &f);
}

int kms_cursor_set(const struct kms_device *dev, __u32 crtc_id,
		   __u32 handle, __u32 width, __u32 height)
{
	struct drm_mode_cursor c = {
		.flags = DRM_MODE_CURSOR_BO, .crtc_id = crtc_id,
		.width = width, .height = height, .handle = handle,
	};

	return kms_ioctl(dev->fd, DRM_IOCTL_MODE_CURSOR, &c);
}

int kms_cursor_move(const struct kms_device *dev, __u32 crtc_id, int x, int y)
{
	struct drm_mode_cursor c = {
		.flags = DRM_MODE_CURSOR_MOVE, .crtc_id = crtc_id,
		.x = x, .y = y,
	};

	return kms_ioctl(dev->fd, DRM_IOCTL_MODE_CURSOR, &c);
}

int kms_get_property(int fd, __u32 id, __u32 obj_type, const char *name,
		     __u64 *value, __u32 *prop_id)
{
	struct drm_mode_obj_get_properties op = {
		.obj_id = id, .obj_type = obj_type,
	};
	__u32 ids[64];
	__u64 values[64];
	unsigned int i;
	int ret;

	ret = kms_ioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op);
	if (ret)
		return ret;
	if (op.count_props > 64)
		return -E2BIG;
	op.props_ptr = (uintptr_t)ids;
	op.prop_values_ptr = (uintptr_t)values;
	ret = kms_ioctl(fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES, &op);
	if (ret)
		return ret;
	for (i = 0; i < op.count_props && i < 64; i++) {
		struct drm_mode_get_property p = { .prop_id = ids[i] };

		if (kms_ioctl(fd, DRM_IOCTL_MODE_GETPROPERTY, &p))
			continue;
		if (!strcmp(p.name, name)) {
			*value = values[i];
			if (prop_id)
				*prop_id = ids[i];
			return 0;
		}
	}
	return -ENOENT;
}

__u32 kms_find_plane(const struct kms_device *dev, int crtc_index,
		     __u64 type)
{
	__u32 ids[KMS_MAX_PLANES];
	struct drm_mode_get_plane_res r = { 0 };
	unsigned int i;
	__u64 t;

	if (kms_set_client_cap(dev->fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1))
		return 0;
	if (kms_ioctl(dev->fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &r) ||
	    r.count_planes > KMS_MAX_PLANES)
		return 0;
	r.plane_id_ptr = (uintptr_t)ids;
	if (kms_ioctl(dev->fd, DRM_IOCTL_MODE_GETPLANERESOURCES, &r))
		return 0;
	for (i = 0; i < r.count_planes; i++) {
		struct drm_mode_get_plane p = { .plane_id = ids[i] };

		if (kms_ioctl(dev->fd, DRM_IOCTL_MODE_GETPLANE, &p) ||
		    !(p.possible_crtcs & (1u << crtc_index)))
			continue;
		if (!kms_get_property(dev->fd, ids[i], DRM_MODE_OBJECT_PLANE,
				      "type", &t, NULL) && t == type)
			return ids[i];
	}
	return 0;
}

__u32 kms_vblank_pipe(int crtc_index)
{
	if (crtc_index == 1)
		return _DRM_VBLANK_SECONDARY;
	if (crtc_index > 1)
		return (crtc_index << _DRM_VBLANK_HIGH_CRTC_SHIFT) &
		       _DRM_VBLANK_HIGH_CRTC_MASK;
	return 0;
}

int kms_wait_vblank(const struct kms_device *dev, int crtc_index, __u32 type,
		    __u32 sequence, __u64 signal,
		    struct drm_wait_vblank_reply *reply)
{
	union drm_wait_vblank vbl;
	int ret;

	memset(&vbl, 0, sizeof(vbl));
	vbl.request.type = type | kms_vblank_pipe(crtc_index);
	vbl.request.sequence = sequence;
	vbl.request.signal = signal;
	ret = ioctl(dev->fd, DRM_IOCTL_WAIT_VBLANK, &vbl) ? -errno : 0;
	if (!ret && reply)
		*reply = vbl.reply;
	return ret;
}

int kms_vblank_query(const struct kms_device *dev, int crtc_index,
		     __u32 *sequence, __u64 *ts_ns)
{
	struct drm_wait_vblank_reply r;
	int ret;

	ret = kms_wait_vblank(dev, crtc_index, _DRM_VBLANK_RELATIVE, 0, 0,
			      &r);
	if (ret)
		return ret;
	if (sequence)
		*sequence = r.sequence;
	if (ts_ns)
		*ts_ns = (__u64)r.tval_sec * 1000000000ull +
			 (__u64)r.tval_usec * 1000ull;
	return 0;
}

int kms_read_event(int fd, int timeout_ms, struct drm_event_vblank *ev)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[sizeof(*ev)];
	struct drm_event *e = (struct drm_event *)buf;
	ssize_t n;
	int ret;

	do {
		ret = poll(&p, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIMEDOUT;
	/* One event per read: the buffer holds exactly one vblank event. */
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (n < (ssize_t)sizeof(*e) || e->length != sizeof(*ev) ||
	    n != (ssize_t)sizeof(*ev))
		return -EPROTO;
	if (e->type != DRM_EVENT_VBLANK && e->type != DRM_EVENT_FLIP_COMPLETE)
		return -EPROTO;
	memcpy(ev, buf, sizeof(*ev));
	return 0;
}

void kms_drain_events(int fd)
{
	struct drm_event_vblank ev;
	int i, ret;

	for (i = 0; i < 1000; i++) {
		ret = kms_read_event(fd, 0, &ev);
		if (ret && ret != -EPROTO)
			break;
	}
}

bool kms_within(double got, double want, double tolerance)
{
	double d = got > want ? got - want : want - got;

	return d <= want * tolerance;
}

__u64 kms_event_ns(const struct drm_event_vblank *ev)
{
	return (__u64)ev->tv_sec * 1000000000ull +
	       (__u64)ev->tv_usec * 1000ull;
}

__u64 kms_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int kms_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

int kms_write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}
