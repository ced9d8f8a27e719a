// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_abi_test - compare our <linux/vfio.h> with the reference Linux one
 *
 * Our uapi header is written independently of Linux's, yet binaries built
 * against either must behave the same.  abi/run.sh gathers the facts that
 * define the ABI from both headers and this program compares them:
 *
 *  - the inventory (abi/gen_abi_check.sh inventory): every macro, enum
 *    constant, enum, struct and struct member a header defines, with each
 *    member's declared type as text;
 *  - per ABI (x86_64, i386, ...), the compiled facts (abi/vfio_abi_probe.c):
 *    macro and enum values with their types, struct sizes and alignments,
 *    member offsets, sizes, alignments and type compatibility.
 *
 * Usage: vfio_abi_test [-r REF_NAME] [-o OUR_NAME] [-x EXT.inv]
 *			REF.inv OURS.inv [ABI REF.rec OURS.rec]...
 *
 * EXT.inv is the inventory of the section of our header that holds the
 * extensions of this tree: what it defines may be missing from the
 * reference.  Everything the reference defines is still compared.
 *
 * Every file holds one "ENTITY|KEY|VALUE" record per line.  A probe file
 * may instead hold "@build|skip|REASON" (the reference did not compile for
 * that ABI: a toolchain problem, so the ABI is skipped) or
 * "@build|error|LINE" records (our header did not compile: a failure).
 *
 * Output is TAP: one test per ABI build, one per entity of the reference
 * (covering every ABI), one for definitions only our header has outside
 * its extensions.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct abi_record {
	char *entity;
	char *key;
	char *value;
};

struct abi_records {
	struct abi_record *recs;
	size_t nr;
};

struct abi_target {
	const char *name;
	struct abi_records ref;
	struct abi_records ours;
	const char *skip_reason;	/* the reference did not build */
	bool ours_failed;		/* our header did not build */
};

static unsigned int tests_run, tests_passed, tests_failed, tests_skipped;

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		perror("vfio_abi_test");
		exit(2);
	}
	return p;
}

static void abi_records_load(struct abi_records *r, const char *path)
{
	char *line = NULL, *sep1, *sep2;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "vfio_abi_test: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		sep1 = strchr(line, '|');
		sep2 = sep1 ? strchr(sep1 + 1, '|') : NULL;
		if (!sep2) {
			fprintf(stderr, "vfio_abi_test: %s: bad record '%s'\n",
				path, line);
			exit(2);
		}
		*sep1 = *sep2 = '\0';
		if (r->nr == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			r->recs = xrealloc(r->recs, alloc * sizeof(*r->recs));
		}
		r->recs[r->nr].entity = strdup(line);
		r->recs[r->nr].key = strdup(sep1 + 1);
		r->recs[r->nr].value = strdup(sep2 + 1);
		r->nr++;
	}
	free(line);
	fclose(f);
}

static const struct abi_record *abi_records_find(const struct abi_records *r,
						 const char *entity,
						 const char *key)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		if (!strcmp(r->recs[i].entity, entity) &&
		    (!key || !strcmp(r->recs[i].key, key)))
			return &r->recs[i];
	return NULL;
}

/*
 * Probe values arrive as two 32-bit halves ("HI LO"); show them as one
 * number, in hex as well when that helps reading flags and ioctl numbers.
 */
static const char *abi_value_show(const char *value, char *buf, size_t size)
{
	unsigned long long v;
	long hi, lo;
	char end;

	if (sscanf(value, "%ld %ld%c", &hi, &lo, &end) != 2)
		return value;
	v = (unsigned long long)(unsigned int)hi << 32 | (unsigned int)lo;
	if ((long long)v > -10 && (long long)v < 10)
		snprintf(buf, size, "%lld", (long long)v);
	else
		snprintf(buf, size, "%lld (%#llx)", (long long)v, v);
	return buf;
}

/*
 * Compare every record of @entity in @ref and @ours.  Prints one TAP
 * diagnostic per difference, prefixed with @label; returns the number of
 * differences.
 */
static unsigned int abi_compare(const char *label, const char *entity,
				const struct abi_records *ref,
				const struct abi_records *ours)
{
	char buf1[64], buf2[64];
	const struct abi_record *a, *b;
	unsigned int diffs = 0;
	size_t i;

	for (i = 0; i < ref->nr; i++) {
		a = &ref->recs[i];
		if (strcmp(a->entity, entity))
			continue;
		b = abi_records_find(ours, entity, a->key);
		if (!b) {
			printf("#   %s: %s: missing, reference has %s\n", label,
			       a->key, abi_value_show(a->value, buf1, sizeof(buf1)));
			diffs++;
		} else if (strcmp(a->value, b->value)) {
			printf("#   %s: %s: reference %s, ours %s\n", label, a->key,
			       abi_value_show(a->value, buf1, sizeof(buf1)),
			       abi_value_show(b->value, buf2, sizeof(buf2)));
			diffs++;
		}
	}
	for (i = 0; i < ours->nr; i++) {
		b = &ours->recs[i];
		if (strcmp(b->entity, entity) ||
		    abi_records_find(ref, entity, b->key))
			continue;
		printf("#   %s: %s: only in ours (%s)\n", label, b->key,
		       abi_value_show(b->value, buf1, sizeof(buf1)));
		diffs++;
	}
	return diffs;
}

static void test_result(bool pass, const char *skip, const char *fmt,
			const char *arg)
{
	tests_run++;
	printf("%s %u - ", pass || skip ? "ok" : "not ok", tests_run);
	printf(fmt, arg);
	if (skip) {
		printf(" # SKIP %s", skip);
		tests_skipped++;
	} else if (pass) {
		tests_passed++;
	} else {
		tests_failed++;
	}
	putchar('\n');
}

static void test_build(struct abi_target *t)
{
	const struct abi_record *r;
	size_t i;

	r = abi_records_find(&t->ref, "@build", "skip");
	if (r)
		t->skip_reason = r->value;

	for (i = 0; i < t->ours.nr; i++) {
		r = &t->ours.recs[i];
		if (!strcmp(r->entity, "@build") && !strcmp(r->key, "error")) {
			printf("#   %s\n", r->value);
			t->ours_failed = true;
		}
	}
	test_result(!t->ours_failed, t->skip_reason,
		    "%s: ABI probe compiles against both headers", t->name);
}

static void test_entity(const char *entity, const struct abi_records *ref_inv,
			const struct abi_records *our_inv,
			const struct abi_target *targets, int nr_targets)
{
	unsigned int diffs = 0;
	int i;

	if (!abi_records_find(our_inv, entity, NULL)) {
		printf("#   not defined by our header\n");
		test_result(false, NULL, "%s", entity);
		return;
	}

	diffs += abi_compare("declaration", entity, ref_inv, our_inv);
	for (i = 0; i < nr_targets; i++) {
		if (targets[i].skip_reason || targets[i].ours_failed)
			continue;
		diffs += abi_compare(targets[i].name, entity, &targets[i].ref,
				     &targets[i].ours);
	}
	test_result(!diffs, NULL, "%s", entity);
}

/* Does @entity occur in @r before index @before? */
static bool abi_seen(const struct abi_records *r, size_t before,
		     const char *entity)
{
	size_t i;

	for (i = 0; i < before; i++)
		if (!strcmp(r->recs[i].entity, entity))
			return true;
	return false;
}

static void test_no_extras(const struct abi_records *ref_inv,
			   const struct abi_records *our_inv,
			   const struct abi_records *ext_inv)
{
	unsigned int extras = 0;
	const char *entity;
	size_t i;

	for (i = 0; i < our_inv->nr; i++) {
		entity = our_inv->recs[i].entity;
		if (abi_seen(our_inv, i, entity) ||
		    abi_records_find(ref_inv, entity, NULL))
			continue;
		if (abi_records_find(ext_inv, entity, NULL)) {
			printf("#   extension of this tree: %s\n", entity);
			continue;
		}
		printf("#   only in ours: %s\n", entity);
		extras++;
	}
	test_result(!extras, NULL, "%s",
		    "our header defines nothing the reference lacks, extensions aside");
}

static void show_help(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r REF_NAME] [-o OUR_NAME] [-x EXT.inv] REF.inv OURS.inv [ABI REF.rec OURS.rec]...\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ref_name = NULL, *our_name = NULL;
	struct abi_records ref_inv = {}, our_inv = {}, ext_inv = {};
	struct abi_target *targets;
	unsigned int nr_entities = 0;
	int nr_targets, i, opt;
	size_t e;

	while ((opt = getopt(argc, argv, "r:o:x:")) != -1) {
		switch (opt) {
		case 'r':
			ref_name = optarg;
			break;
		case 'o':
			our_name = optarg;
			break;
		case 'x':
			abi_records_load(&ext_inv, optarg);
			break;
		default:
			show_help(argv[0]);
		}
	}
	if (argc - optind < 2 || (argc - optind - 2) % 3)
		show_help(argv[0]);
	argc -= optind;
	argv += optind;

	abi_records_load(&ref_inv, argv[0]);
	abi_records_load(&our_inv, argv[1]);
	nr_targets = (argc - 2) / 3;
	targets = calloc(nr_targets ? nr_targets : 1, sizeof(*targets));
	if (!targets)
		return 2;
	for (i = 0; i < nr_targets; i++) {
		targets[i].name = argv[2 + 3 * i];
		abi_records_load(&targets[i].ref, argv[3 + 3 * i]);
		abi_records_load(&targets[i].ours, argv[4 + 3 * i]);
	}

	for (e = 0; e < ref_inv.nr; e++)
		if (!abi_seen(&ref_inv, e, ref_inv.recs[e].entity))
			nr_entities++;

	printf("TAP version 13\n");
	printf("1..%u\n", nr_targets + nr_entities + 1);
	if (ref_name)
		printf("# reference: %s\n", ref_name);
	if (our_name)
		printf("# ours:      %s\n", our_name);

	for (i = 0; i < nr_targets; i++)
		test_build(&targets[i]);
	for (e = 0; e < ref_inv.nr; e++)
		if (!abi_seen(&ref_inv, e, ref_inv.recs[e].entity))
			test_entity(ref_inv.recs[e].entity, &ref_inv, &our_inv,
				    targets, nr_targets);
	test_no_extras(&ref_inv, &our_inv, &ext_inv);

	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       tests_passed, tests_failed, tests_skipped);
	printf("%u passed, %u failed\n", tests_passed, tests_failed);
	return tests_failed ? 1 : 0;
}
