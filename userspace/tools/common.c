// SPDX-License-Identifier: MIT
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common.h"
#include "potnpu_regs.h"

int tool_exit_code(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return EX_OK;
	case ENODEV:
	case ENOENT:
	case ENOTDIR:
	case ENOTTY:
	case ENXIO:
	case EOPNOTSUPP:
		return EX_UNAVAILABLE;
	case EACCES:
	case EPERM:
		return EX_NOPERM;
	case EPROTO:
	case EBADMSG:
		return EX_PROTOCOL;
	default:
		return EX_OSERR;
	}
}

const char *tool_describe_device(const char *path,
				 const struct drm_potnpu_device_info *info,
				 char *buf, size_t len)
{
	char bus[16], fw[24];

	snprintf(buf, len, "%s, potnpu %04x:%04x at %s, firmware %s", path,
		 info->pci_vendor, info->pci_device,
		 potnpu_format_bus_id(info->pci_bus_id, bus, sizeof(bus)),
		 potnpu_format_fw_version(info->fw_version, fw, sizeof(fw)));
	return buf;
}

static const struct {
	uint32_t bit;
	const char *name;
} hw_caps[] = {
	{ POTNPU_CAP_PING, "PING" },
	{ POTNPU_CAP_CORE, "CORE" },
	{ POTNPU_CAP_MMU, "MMU" },
	{ POTNPU_CAP_JOBQ, "JOBQ" },
	{ POTNPU_CAP_SAE, "SAE" },
};

static const char *hw_cap_name(uint32_t bit)
{
	size_t i;

	for (i = 0; i < sizeof(hw_caps) / sizeof(hw_caps[0]); i++)
		if (hw_caps[i].bit == bit)
			return hw_caps[i].name;
	return NULL;
}

const char *tool_format_hw_caps(uint32_t caps, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	char tmp[16];
	int n;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!caps) {
		snprintf(buf, len, "none");
		return buf;
	}
	for (i = 0; i < 32; i++) {
		const char *s;

		if (!(caps & (1u << i)))
			continue;
		s = hw_cap_name(1u << i);
		if (!s) {
			snprintf(tmp, sizeof(tmp), "bit%u", i);
			s = tmp;
		}
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", s);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* The names of the bits set in @caps (of the CAPS register if @hw). */
static struct json_object *json_cap_names(uint64_t caps, bool hw)
{
	struct json_object *a = json_object_new_array();
	unsigned int i, nbits = hw ? 32 : 64;
	char tmp[16];

	for (i = 0; i < nbits; i++) {
		const char *s;

		if (!(caps & (1ull << i)))
			continue;
		s = hw ? hw_cap_name(1u << i) : potnpu_cap_name(1ull << i);
		if (!s) {
			snprintf(tmp, sizeof(tmp), "bit%u", i);
			s = tmp;
		}
		json_object_array_add(a, tool_json_string(s));
	}
	return a;
}

static struct json_object *json_driver(const struct potnpu_driver_info *drv)
{
	struct json_object *o = json_object_new_object();
	char buf[32];

	tool_json_add_string(o, "name", drv->name);
	snprintf(buf, sizeof(buf), "%d.%d.%d", drv->major, drv->minor,
		 drv->patch);
	tool_json_add_string(o, "version", buf);
	tool_json_add_string(o, "date", drv->date);
	tool_json_add_string(o, "description", drv->desc);
	return o;
}

static struct json_object *
json_pci(const struct drm_potnpu_device_info *info)
{
	struct json_object *o = json_object_new_object();
	char buf[32];

	tool_json_add_uint(o, "vendor", info->pci_vendor);
	tool_json_add_uint(o, "device", info->pci_device);
	tool_json_add_uint(o, "revision", info->pci_revision);
	potnpu_format_bus_id(info->pci_bus_id, buf, sizeof(buf));
	tool_json_add_string(o, "bus_id", buf);
	return o;
}

static struct json_object *
json_hw(const struct drm_potnpu_device_info *info)
{
	struct json_object *o = json_object_new_object();
	char buf[32];

	potnpu_format_version16(info->hw_version, buf, sizeof(buf));
	tool_json_add_string(o, "version", buf);
	tool_json_add_uint(o, "caps", info->hw_caps);
	json_object_object_add(o, "cap_names",
			       json_cap_names(info->hw_caps, true));
	return o;
}

/* The firmware's versions, NULL (JSON null) when none is running. */
static struct json_object *
json_firmware(const struct drm_potnpu_device_info *info)
{
	struct json_object *o;
	char buf[32];

	if (!info->fw_version)
		return NULL;
	o = json_object_new_object();
	potnpu_format_fw_version(info->fw_version, buf, sizeof(buf));
	tool_json_add_string(o, "version", buf);
	potnpu_format_fw_version(info->fw_abi_version, buf, sizeof(buf));
	tool_json_add_string(o, "abi", buf);
	return o;
}

struct json_object *
tool_json_device(int index, const char *path,
		 const struct potnpu_driver_info *drv,
		 const struct drm_potnpu_device_info *info)
{
	struct json_object *o = json_object_new_object();
	char buf[32];

	json_object_object_add(o, "index", json_object_new_int64(index));
	tool_json_add_string(o, "path", path);
	json_object_object_add(o, "driver", drv ? json_driver(drv) : NULL);
	if (!info)
		return o;
	json_object_object_add(o, "pci", json_pci(info));
	json_object_object_add(o, "hw", json_hw(info));
	json_object_object_add(o, "firmware", json_firmware(info));
	potnpu_format_version16(info->uapi_version, buf, sizeof(buf));
	tool_json_add_string(o, "uapi_version", buf);
	tool_json_add_uint(o, "capabilities", info->capabilities);
	json_object_object_add(o, "capability_names",
			       json_cap_names(info->capabilities, false));
	return o;
}

int tool_parse_uint(const char *s, unsigned long min, unsigned long max,
		    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Option @c among @opts: its index, or -1. */
static int find_opt(const struct tool_uint_opt *opts, size_t n, int c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (opts[i].letter == c)
			return (int)i;
	return -1;
}

int tool_parse_args(const char *prog, void (*usage)(FILE *f), int argc,
		    char *argv[], unsigned long *device,
		    const struct tool_uint_opt *opts, size_t nopts)
{
	struct option longopts[3 + TOOL_MAX_OPTS] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
	};
	char optstring[8 + 2 * TOOL_MAX_OPTS] = ":d:h";
	size_t i;
	int c, k;

	for (i = 0; i < nopts && i < TOOL_MAX_OPTS; i++) {
		longopts[2 + i] = (struct option){ opts[i].name, required_argument,
						   NULL, opts[i].letter };
		optstring[4 + 2 * i] = (char)opts[i].letter;
		optstring[5 + 2 * i] = ':';
	}
	*device = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		k = find_opt(opts, nopts, c);
		if (c == 'd' && tool_parse_uint(optarg, 0, INT_MAX, device)) {
			fprintf(stderr,
				"%s: invalid --device '%s': expected a device index (0, 1, ...)\n",
				prog, optarg);
			return EX_USAGE;
		} else if (k >= 0 && tool_parse_uint(optarg, opts[k].min, opts[k].max,
						    opts[k].value)) {
			fprintf(stderr, "%s: invalid --%s '%s': expected a number from %lu to %lu\n",
				prog, opts[k].name, optarg, opts[k].min, opts[k].max);
			return EX_USAGE;
		} else if (c == 'h') {
			usage(stdout);
			return EX_OK;
		} else if (c != 'd' && k < 0) {
			fprintf(stderr, "%s: bad option (see --help)\n", prog);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n",
			prog, argv[optind]);
		return EX_USAGE;
	}
	return -1;
}

int tool_parse_device_args(const char *prog, void (*usage)(FILE *f),
			   int argc, char *argv[], unsigned long *device)
{
	return tool_parse_args(prog, usage, argc, argv, device, NULL, 0);
}

int tool_open_layers(const char *prog, unsigned long index,
		     struct potnpu_device **devp)
{
	struct drm_potnpu_device_info info;
	struct potnpu_device *dev = NULL;
	int err;

	err = potnpu_open_index((unsigned int)index, &dev);
	if (!err)
		err = potnpu_query_device_info(dev, &info, sizeof(info));
	if (err) {
		fprintf(stderr, "%s: %s\n", prog, potnpu_last_error());
		potnpu_close(dev);
		return tool_exit_code(err);
	}
	if (!potnpu_has_cap(&info, DRM_POTNPU_CAP_MODEL_EXEC)) {
		fprintf(stderr,
			"%s: device %lu (%s) cannot run layer commands yet (capability MODEL_EXEC missing); nothing to check\n",
			prog, index, potnpu_path(dev));
		potnpu_close(dev);
		return EX_UNAVAILABLE;
	}
	*devp = dev;
	return 0;
}
