// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsvfio: list IOMMU groups, their devices and drivers, and what VFIO
 * offers for each device bound to it (regions, interrupts, capabilities).
 *
 * sysfs gives the groups, devices and drivers to anyone.  The rest needs
 * the group's character device, which the usual permissions reserve to
 * root or to the user a group was given to; where it cannot be opened
 * lsvfio says why and still lists what sysfs shows.
 *
 * Exit status: 0 when everything selected could be listed, 1 when a group
 * or device could not be opened (or there are no IOMMU groups), 2 on a
 * usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsvfio.h"

static void print_usage(FILE *out)
{
	fprintf(out,
		"usage: lsvfio [--json] [--no-open] [GROUP|DEVICE...]\n"
		"\n"
		"List IOMMU groups with their viability, devices and drivers, and for\n"
		"devices bound to a VFIO driver their regions, IRQs and capabilities.\n"
		"GROUP is a group number, DEVICE a device name (0000:00:06.0); without\n"
		"them every group is listed.\n"
		"\n"
		"  -j, --json     print JSON instead of a table\n"
		"  -n, --no-open  only read sysfs; opening a device makes vfio-pci\n"
		"                 reset it, and a group can be open in one process only\n"
		"  -h, --help     this text\n");
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static bool group_matches(const struct lsvfio_group *group, const char *arg)
{
	unsigned int d;

	if (is_number(arg))
		return atoi(arg) == group->id;
	for (d = 0; d < group->nr_devices; d++)
		if (!strcmp(group->devices[d].name, arg))
			return true;
	return false;
}

/* Mark the groups the command line asks for; -1 if an argument names none. */
static int select_groups(struct lsvfio *ls, char **args, int nr_args)
{
	unsigned int g;
	bool found;
	int a;

	for (g = 0; g < ls->nr_groups; g++)
		ls->groups[g].selected = nr_args == 0;
	for (a = 0; a < nr_args; a++) {
		found = false;
		for (g = 0; g < ls->nr_groups; g++) {
			if (group_matches(&ls->groups[g], args[a])) {
				ls->groups[g].selected = true;
				found = true;
			}
		}
		if (!found) {
			fprintf(stderr, "lsvfio: no IOMMU group or device '%s'\n",
				args[a]);
			return -1;
		}
	}
	return 0;
}

/* Repeat on stderr what could not be done; count it for the exit status. */
static int report_errors(const struct lsvfio *ls)
{
	unsigned int g, d;
	int errors = 0;

	for (g = 0; g < ls->nr_groups; g++) {
		const struct lsvfio_group *group = &ls->groups[g];

		if (!group->selected)
			continue;
		if (group->error[0]) {
			fprintf(stderr, "lsvfio: group %d: %s\n", group->id,
				group->error);
			errors++;
		}
		for (d = 0; d < group->nr_devices; d++) {
			if (!group->devices[d].error[0])
				continue;
			fprintf(stderr, "lsvfio: %s: %s\n",
				group->devices[d].name,
				group->devices[d].error);
			errors++;
		}
	}
	if (errors)
		fprintf(stderr, "lsvfio: what could not be opened is listed from sysfs only\n");
	return errors;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-open", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, no_open = false;
	struct lsvfio ls;
	unsigned int g;
	int c, ret, status = 0;

	while ((c = getopt_long(argc, argv, "jnh", options, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'n':
			no_open = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}

	ret = lsvfio_scan_sysfs(&ls);
	if (ret == -ENOENT) {
		fprintf(stderr, "lsvfio: no IOMMU groups: the IOMMU is off or absent\n"
			"lsvfio: (VT-d/AMD-Vi in the firmware? intel_iommu=on on Intel?)\n");
		status = 1;
	} else if (ret) {
		fprintf(stderr, "lsvfio: reading /sys/kernel/iommu_groups: %s\n",
			strerror(-ret));
		lsvfio_free(&ls);
		return 1;
	}
	if (select_groups(&ls, argv + optind, argc - optind)) {
		lsvfio_free(&ls);
		return 2;
	}

	for (g = 0; !no_open && g < ls.nr_groups; g++)
		if (ls.groups[g].selected)
			lsvfio_query_group(&ls, &ls.groups[g]);

	if (json)
		lsvfio_print_json(&ls);
	else
		lsvfio_print_text(&ls);
	fflush(stdout);
	if (report_errors(&ls))
		status = 1;
	lsvfio_free(&ls);
	return status;
}
