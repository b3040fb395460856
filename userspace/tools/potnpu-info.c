// SPDX-License-Identifier: MIT
/*
 * potnpu-info: list potnpu devices and print their identity, versions and
 * capabilities. See docs/userspace.md for the output formats and exit
 * codes.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common.h"

struct info_options {
	bool json;
	long device;	/* -1: all devices */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: potnpu-info [--json] [--device N]\n"
		"\n"
		"List the potnpu devices found in %s (or $%s) with their\n"
		"PCI identity, hardware, firmware and driver versions and\n"
		"capabilities.\n"
		"\n"
		"  -d, --device N   only device N (index as listed)\n"
		"  -j, --json       machine-readable output\n"
		"  -h, --help       this help\n"
		"  -V, --version    print the version\n"
		"\n"
		"Exit status: 0 ok, 64 usage error, 69 no (such) device,\n"
		"76 driver/library version mismatch, 77 permission denied,\n"
		"71 other system error.\n",
		POTNPU_DEFAULT_ACCEL_DIR, POTNPU_ACCEL_DIR_ENV);
}

static int parse_args(int argc, char *argv[], struct info_options *o)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int c;

	o->json = false;
	o->device = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (tool_parse_uint(optarg, 0, INT_MAX, &v)) {
				fprintf(stderr,
					"potnpu-info: invalid --device '%s': expected a device index (0, 1, ...)\n",
					optarg);
				return EX_USAGE;
			}
			o->device = (long)v;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			return EX_OK;
		case 'V':
			printf("potnpu-info %s (libpotnpu %s, uapi %d.%d)\n",
			       POTNPU_TOOLS_VERSION, potnpu_version(),
			       DRM_POTNPU_UAPI_MAJOR, DRM_POTNPU_UAPI_MINOR);
			return EX_OK;
		case ':':
			fprintf(stderr, "potnpu-info: option '%s' needs an argument (see --help)\n",
				argv[optind - 1]);
			return EX_USAGE;
		default:
			fprintf(stderr, "potnpu-info: unrecognized option '%s' (see --help)\n",
				argv[optind - 1]);
			return EX_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "potnpu-info: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return EX_USAGE;
	}
	return -1;
}

static void print_text(int index, const char *path,
		       const struct potnpu_driver_info *drv,
		       const struct drm_potnpu_device_info *info)
{
	char a[32], b[32], caps[160];

	printf("potnpu device %d: %s\n", index, path);
	printf("  driver:        %s %d.%d.%d \"%s\"", drv->name, drv->major,
	       drv->minor, drv->patch, drv->desc);
	if (drv->date[0])
		printf(" (date %s)", drv->date);
	printf("\n");
	printf("  pci:           %04x:%04x rev %02x at %s\n", info->pci_vendor,
	       info->pci_device, info->pci_revision,
	       potnpu_format_bus_id(info->pci_bus_id, a, sizeof(a)));
	printf("  hw version:    %s\n",
	       potnpu_format_version16(info->hw_version, a, sizeof(a)));
	printf("  hw caps:       0x%08x (%s)\n", info->hw_caps,
	       tool_format_hw_caps(info->hw_caps, caps, sizeof(caps)));
	if (info->fw_version)
		printf("  firmware:      %s (fw ABI %s)\n",
		       potnpu_format_fw_version(info->fw_version, a, sizeof(a)),
		       potnpu_format_fw_version(info->fw_abi_version, b,
						sizeof(b)));
	else
		printf("  firmware:      none\n");
	printf("  uapi version:  %s\n",
	       potnpu_format_version16(info->uapi_version, a, sizeof(a)));
	printf("  capabilities:  0x%016llx (%s)\n",
	       (unsigned long long)info->capabilities,
	       potnpu_format_caps(info->capabilities, caps, sizeof(caps)));
}

/* The error object of a device that could not be opened or queried. */
static struct json_object *json_device_error(int index, const char *path)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "index", json_object_new_int64(index));
	tool_json_add_string(o, "path", path);
	tool_json_add_string(o, "error", potnpu_last_error());
	return o;
}

/*
 * One device: prints it, or its error; with --json, adds it to @devices
 * instead. Returns 0 or a libpotnpu error.
 */
static int show_device(int index, const char *path,
		       struct json_object *devices)
{
	const struct potnpu_driver_info *drv;
	struct drm_potnpu_device_info info;
	struct potnpu_device *dev;
	int err;

	err = potnpu_open(path, &dev);
	if (!err) {
		err = potnpu_query_device_info(dev, &info, sizeof(info));
		drv = potnpu_driver(dev);
		if (!err && devices)
			json_object_array_add(devices,
					      tool_json_device(index, path, drv,
							       &info));
		else if (!err)
			print_text(index, path, drv, &info);
	}
	if (err) {
		fprintf(stderr, "potnpu-info: device %d: %s\n", index,
			potnpu_last_error());
		if (devices)
			json_object_array_add(devices,
					      json_device_error(index, path));
	}
	potnpu_close(dev);
	return err;
}

/* The --json document, without its "devices" yet. */
static struct json_object *json_document(void)
{
	struct json_object *doc = json_object_new_object();

	tool_json_add_string(doc, "tool", "potnpu-info");
	tool_json_add_string(doc, "version", POTNPU_TOOLS_VERSION);
	tool_json_add_string(doc, "library", potnpu_version());
	tool_json_add_string(doc, "accel_dir", potnpu_accel_dir());
	return doc;
}

/* No device to show: says why, with --json in @doc too. */
static int list_failed(int err, const struct info_options *o,
		       const struct potnpu_device_list *list,
		       struct json_object *doc)
{
	char msg[600];

	if (o->device >= 0 && list)
		snprintf(msg, sizeof(msg),
			 "no potnpu device with index %ld: %zu found in %s",
			 o->device, potnpu_list_count(list),
			 potnpu_accel_dir());
	else
		snprintf(msg, sizeof(msg), "%s", potnpu_last_error());
	fprintf(stderr, "potnpu-info: %s\n", msg);
	if (doc) {
		json_object_object_add(doc, "devices",
				       json_object_new_array());
		tool_json_add_string(doc, "error", msg);
		tool_json_finish(doc, stdout);
	}
	return tool_exit_code(err);
}

int main(int argc, char *argv[])
{
	struct potnpu_device_list *list = NULL;
	struct json_object *doc = NULL, *devices = NULL;
	struct info_options o;
	int ret, err, first_err = 0;
	size_t i, n;

	ret = parse_args(argc, argv, &o);
	if (ret >= 0)
		return ret;
	if (o.json)
		doc = json_document();

	err = potnpu_list_devices(&list);
	if (!err && o.device >= 0 && (size_t)o.device >= potnpu_list_count(list))
		err = -ENODEV;
	if (err) {
		ret = list_failed(err, &o, list, doc);
		potnpu_list_free(list);
		return ret;
	}

	if (doc)
		devices = json_object_new_array();
	n = potnpu_list_count(list);
	for (i = 0; i < n; i++) {
		if (o.device >= 0 && (size_t)o.device != i)
			continue;
		if (!doc && i && o.device < 0)
			printf("\n");
		err = show_device((int)i, potnpu_list_path(list, i), devices);
		if (err && !first_err)
			first_err = err;
	}
	if (doc) {
		json_object_object_add(doc, "devices", devices);
		tool_json_finish(doc, stdout);
	}
	potnpu_list_free(list);
	return tool_exit_code(first_err);
}
