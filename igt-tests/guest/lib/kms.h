/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kms - the small KMS toolbox the guest conformance tests share: open the
 * DRM device under test, find connectors, CRTCs and planes, make dumb
 * framebuffers and fill them, set modes, flip, move the cursor, wait for
 * vblanks and read DRM events. Raw ioctls on libdrm-dev's uAPI headers
 * (include/uapi/drm), no libdrm code.
 *
 * Functions return 0 (or a non-negative value) or a negative errno and never
 * abort, except the kms_require_*() helpers, which skip the subtest with a
 * reason, and the kms_open*() helpers, which skip when there is no device.
 */
#ifndef GUEST_KMS_H
#define GUEST_KMS_H

#include <stdbool.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>

#include <drm.h>
#include <drm_fourcc.h>
#include <drm_mode.h>

#define KMS_MAX_CRTCS		8
#define KMS_MAX_CONNECTORS	16
#define KMS_MAX_ENCODERS	16
#define KMS_MAX_PLANES		32
#define KMS_MAX_MODES		64

/* Every wait of the tests is bounded; these are generous for TCG-in-TCG. */
#define KMS_EVENT_TIMEOUT_MS	5000

/**
 * struct kms_device - the DRM device under test
 * @fd: the card node, opened O_RDWR
 * @minor: N of /dev/dri/cardN (and of /sys/kernel/debug/dri/N)
 * @path: the node's path
 * @driver: DRM_IOCTL_VERSION's name
 * @res: GETRESOURCES' counts and limits
 * @crtcs: CRTC ids, in index order (the index is the vblank "pipe")
 * @connectors: connector ids
 * @encoders: encoder ids
 */
struct kms_device {
	int fd;
	int minor;
	char path[64];
	char driver[32];
	struct drm_mode_card_res res;
	__u32 crtcs[KMS_MAX_CRTCS];
	__u32 connectors[KMS_MAX_CONNECTORS];
	__u32 encoders[KMS_MAX_ENCODERS];
};

/**
 * struct kms_connector - one connector as GETCONNECTOR describes it
 * @id: object id
 * @type: DRM_MODE_CONNECTOR_*
 * @type_id: instance of that type
 * @connection: 1 connected, 2 disconnected, 3 unknown
 * @count_modes: entries in @modes
 * @modes: the mode list
 * @possible_crtcs: union of its encoders' possible_crtcs bits
 */
struct kms_connector {
	__u32 id;
	__u32 type;
	__u32 type_id;
	__u32 connection;
	unsigned int count_modes;
	struct drm_mode_modeinfo modes[KMS_MAX_MODES];
	__u32 possible_crtcs;
};

/**
 * struct kms_output - a connected connector driven by one CRTC
 * @connector: the connector
 * @crtc_id: the CRTC's object id
 * @crtc_index: its index (vblank pipe, debugfs crtc-N)
 * @mode: the mode to use (the preferred one, else the first)
 */
struct kms_output {
	struct kms_connector connector;
	__u32 crtc_id;
	int crtc_index;
	struct drm_mode_modeinfo mode;
};

/**
 * struct kms_fb - a dumb buffer, its framebuffer and a CPU mapping
 * @fd: device the buffer belongs to
 * @handle: GEM handle
 * @fb_id: framebuffer id (0 if none was added)
 * @width: width in pixels
 * @height: height in pixels
 * @pitch: bytes per line
 * @size: bytes
 * @map: CPU mapping (NULL if unmapped)
 */
struct kms_fb {
	int fd;
	__u32 handle;
	__u32 fb_id;
	__u32 width;
	__u32 height;
	__u32 pitch;
	__u64 size;
	__u32 *map;
};

/* Device ---------------------------------------------------------------- */

/* An ioctl restarted on EINTR/EAGAIN; 0 or -errno. */
int kms_ioctl(int fd, unsigned long request, void *arg);

/* DRM_IOCTL_VERSION's driver name into @name; 0 or -errno. */
int kms_driver_name(int fd, char *name, size_t len);

/*
 * kms_open() - open the KMS device under test and read its resources
 *
 * IGT_DEVICE=drm:/dev/dri/cardN names it; otherwise the first card whose
 * driver is not vgem and that has at least one CRTC and one connector.
 * Skips the subtest (or the fixture) with a reason if there is none.
 */
void kms_open(struct kms_device *dev);

/*
 * kms_open_render_only() - open the first card whose driver is @driver and
 * that has no connectors (GETRESOURCES refused or empty); skips if none.
 * IGT_DEVICE is honoured as well.
 */
void kms_open_render_only(struct kms_device *dev, const char *driver);

/* Re-read the resources of an open device (after a hotplug); 0 or -errno. */
int kms_read_resources(struct kms_device *dev);

void kms_close(struct kms_device *dev);

/* DRM_IOCTL_GET_CAP; -errno or 0 with *value set. */
int kms_get_cap(int fd, __u64 cap, __u64 *value);
int kms_set_client_cap(int fd, __u64 cap, __u64 value);

/* Connectors and outputs ------------------------------------------------- */

/* GETCONNECTOR (probing); 0 or -errno. */
int kms_get_connector(const struct kms_device *dev, __u32 id,
		      struct kms_connector *c);

/* Index of the preferred mode of @c, else 0; -1 without modes. */
int kms_preferred_mode(const struct kms_connector *c);

/*
 * kms_find_outputs() - connected connectors each paired with its own CRTC
 * @dev: the device
 * @out: receives up to @max outputs, in connector order
 * @max: room in @out
 *
 * Return: the number of outputs found (CRTCs are never shared).
 */
int kms_find_outputs(const struct kms_device *dev, struct kms_output *out,
		     int max);

/* The first output, or skip "no connected connector". */
void kms_require_output(const struct kms_device *dev, struct kms_output *out);

/* Index of CRTC @crtc_id in the resources, -1 if unknown. */
int kms_crtc_index(const struct kms_device *dev, __u32 crtc_id);

/* Frame duration of @mode in nanoseconds (from its clock and totals). */
double kms_mode_frame_ns(const struct drm_mode_modeinfo *mode);

/* Refresh rate of @mode in Hz (from its clock and totals). */
double kms_mode_refresh(const struct drm_mode_modeinfo *mode);

/* Framebuffers ---------------------------------------------------------- */

/* CREATE_DUMB; 0 or -errno. */
int kms_dumb_create(int fd, __u32 width, __u32 height, __u32 bpp,
		    __u32 *handle, __u32 *pitch, __u64 *size);
/* MAP_DUMB + mmap; the mapping or NULL with errno set. */
void *kms_dumb_map(int fd, __u32 handle, __u64 size);
int kms_gem_close(int fd, __u32 handle);

/*
 * kms_fb_create() - an XRGB8888 (or @format) dumb framebuffer, mapped
 *
 * Return: 0 or -errno; on failure nothing is left behind.
 */
int kms_fb_create(int fd, __u32 width, __u32 height, __u32 format,
		  struct kms_fb *fb);
/* RMFB (if added), unmap, close the handle. Safe on a zeroed struct. */
void kms_fb_destroy(struct kms_fb *fb);

/* ADDFB2 of a single-plane buffer; 0 or -errno, *fb_id set. */
int kms_addfb2(int fd, __u32 width, __u32 height, __u32 format, __u32 handle,
	       __u32 pitch, __u32 offset, __u32 *fb_id);
int kms_rmfb(int fd, __u32 fb_id);

/* Pixels: a rectangle of one colour, clipped to the buffer. */
void kms_fb_fill_rect(struct kms_fb *fb, int x, int y, int w, int h,
		      __u32 color);
void kms_fb_fill(struct kms_fb *fb, __u32 color);
/* A pattern that differs in every quadrant (cheap: four rectangles). */
void kms_fb_fill_pattern(struct kms_fb *fb, __u32 seed);

/* Modesetting, flips, cursor --------------------------------------------- */

/* SETCRTC of @fb_id on @output (its mode unless @mode); 0 or -errno. */
int kms_set_mode(const struct kms_device *dev, const struct kms_output *output,
		 const struct drm_mode_modeinfo *mode, __u32 fb_id);
/* SETCRTC with no framebuffer: the CRTC off. */
int kms_disable_crtc(const struct kms_device *dev, __u32 crtc_id);
/* Every CRTC off (the state each test starts from). */
void kms_disable_all(const struct kms_device *dev);
/* GETCRTC; 0 or -errno. */
int kms_get_crtc(const struct kms_device *dev, __u32 crtc_id,
		 struct drm_mode_crtc *crtc);

/*
 * kms_output_show() - a @color framebuffer of the output's mode size, set on
 * its CRTC with the mode. Fails the subtest on error.
 */
void kms_output_show(const struct kms_device *dev,
		     const struct kms_output *output, struct kms_fb *fb,
		     __u32 color);

/* PAGE_FLIP with @flags, @user_data in the event; 0 or -errno. */
int kms_page_flip(const struct kms_device *dev, __u32 crtc_id, __u32 fb_id,
		  __u32 flags, __u64 user_data);

/* Legacy cursor: set (handle 0 hides) and move; 0 or -errno. */
int kms_cursor_set(const struct kms_device *dev, __u32 crtc_id,
		   __u32 handle, __u32 width, __u32 height);
int kms_cursor_move(const struct kms_device *dev, __u32 crtc_id, int x,
		    int y);

/* Planes ------------------------------------------------------------------ */

/*
 * kms_find_plane() - a plane of @type (DRM_PLANE_TYPE_*) usable on the CRTC
 * with index @crtc_index. Enables universal planes on @dev->fd.
 *
 * Return: the plane id, or 0 if there is none.
 */
__u32 kms_find_plane(const struct kms_device *dev, int crtc_index,
		     __u64 type);

/* Value of the property @name of object @id/@type; 0 or -errno. */
int kms_get_property(int fd, __u32 id, __u32 obj_type, const char *name,
		     __u64 *value, __u32 *prop_id);

/* Vblank and events --------------------------------------------------- */

/* The vblank request bits of a CRTC index. */
__u32 kms_vblank_pipe(int crtc_index);

/*
 * kms_wait_vblank() - DRM_IOCTL_WAIT_VBLANK
 * @type: _DRM_VBLANK_RELATIVE / ABSOLUTE / EVENT ... (the pipe bits are
 *	added from @crtc_index)
 * @sequence: the request's sequence
 * @reply: receives the reply (optional)
 */
int kms_wait_vblank(const struct kms_device *dev, int crtc_index, __u32 type,
		    __u32 sequence, __u64 signal,
		    struct drm_wait_vblank_reply *reply);

/* The current vblank count and its time (RELATIVE with sequence 0). */
int kms_vblank_query(const struct kms_device *dev, int crtc_index,
		     __u32 *sequence, __u64 *ts_ns);

/*
 * kms_read_event() - the next DRM event of @fd
 * @timeout_ms: how long to wait
 * @ev: receives a vblank/flip event
 *
 * Return: 0, -ETIMEDOUT, -EPROTO for an event that is not a vblank or flip
 * completion, or -errno.
 */
int kms_read_event(int fd, int timeout_ms, struct drm_event_vblank *ev);

/* Read and drop every pending event of @fd (a subtest starts clean). */
void kms_drain_events(int fd);

/* True if @got is within @tolerance (0.15 = 15%) of @want. */
bool kms_within(double got, double want, double tolerance);

/* A vblank event's time in nanoseconds. */
__u64 kms_event_ns(const struct drm_event_vblank *ev);

/* Time ------------------------------------------------------------------- */

/* CLOCK_MONOTONIC in nanoseconds (the clock of vblank timestamps). */
__u64 kms_now_ns(void);

/* Sysfs/debugfs helpers -------------------------------------------------- */

/* Read a small text file; bytes read or -errno. */
int kms_read_file(const char *path, char *buf, size_t len);
/* Write a string to a file; 0 or -errno. */
int kms_write_file(const char *path, const char *s);

#endif /* GUEST_KMS_H */
