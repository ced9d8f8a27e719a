// SPDX-License-Identifier: GPL-2.0
/*
 * Compile-time probe of a VFIO uapi header.
 *
 * Built with -S (never linked or run), once against the reference header
 * and once against ours, for every ABI run.sh can compile for.  Each probe
 * macro turns one compile-time fact (a constant, a size, an offset, a
 * type match) into an ".ascii" marker line in the assembler output, the
 * trick Kbuild uses for asm-offsets.  Because nothing runs, cross ABIs
 * such as i386 or arm, whose layouts differ from x86_64, cost only a
 * compiler invocation.
 *
 * Marker format: @@abi|ENTITY|KEY|HI LO, where HI and LO are the upper
 * and lower 32 bits of the value: a 64-bit immediate is not printable on
 * every target, two 32-bit halves are.
 *
 * VFIO_ABI_HEADER names the header; vfio_abi_items.h, written by
 * gen_abi_check.sh, lists the items to probe.
 */
#include <stddef.h>

#include VFIO_ABI_HEADER

#define VFIO_ABI_HI(v)	((int)((unsigned long long)(long long)(v) >> 32))
#define VFIO_ABI_LO(v)	((int)(unsigned int)(unsigned long long)(long long)(v))

#define VFIO_ABI_VAL(entity, key, v) do {				\
	asm volatile("\n.ascii \"@@abi|" entity "|" key "|%c0 %c1\""	\
		     : : "i" (VFIO_ABI_HI(v)), "i" (VFIO_ABI_LO(v)));	\
} while (0)

/* An integer constant: its value and the size and signedness of its type. */
#define VFIO_ABI_INT(entity, c) do {					\
	VFIO_ABI_VAL(entity, "value", (c));				\
	VFIO_ABI_VAL(entity, "sizeof", sizeof(c));			\
	VFIO_ABI_VAL(entity, "signed", (__typeof__(c))-1 < 0);		\
} while (0)

/* A string constant: its text (no quotes or backslashes) and length. */
#define VFIO_ABI_STR(entity, s) do {					\
	asm volatile("\n.ascii \"@@abi|" entity "|text|" s "\"");	\
	VFIO_ABI_VAL(entity, "sizeof", sizeof(s));			\
} while (0)

#define VFIO_ABI_ENUM(entity, tag) do {					\
	VFIO_ABI_VAL(entity, "sizeof", sizeof(enum tag));		\
	VFIO_ABI_VAL(entity, "alignof", __alignof__(enum tag));	\
	VFIO_ABI_VAL(entity, "signed", (enum tag)-1 < 0);		\
} while (0)

/* A struct or union, named with its keyword. */
#define VFIO_ABI_TYPE(entity, type) do {				\
	VFIO_ABI_VAL(entity, "sizeof", sizeof(type));			\
	VFIO_ABI_VAL(entity, "alignof", __alignof__(type));		\
} while (0)

#define VFIO_ABI_MEMBER(type, path)	(((type *)0)->path)

/*
 * A member, checked against the reference's declared type.  The type
 * match ignores attributes, so the member's alignment is probed as well:
 * that is what tells __aligned_u64 from __u64 on i386.
 */
#define VFIO_ABI_FIELD(entity, type, path, ref_type) do {		\
	VFIO_ABI_VAL(entity, "offsetof(" #path ")", offsetof(type, path)); \
	VFIO_ABI_VAL(entity, "sizeof(" #path ")",			\
		     sizeof(VFIO_ABI_MEMBER(type, path)));		\
	VFIO_ABI_VAL(entity, "alignof(" #path ")",			\
		     __alignof__(VFIO_ABI_MEMBER(type, path)));		\
	VFIO_ABI_VAL(entity, "type(" #path ")",				\
		     __builtin_types_compatible_p(			\
			__typeof__(VFIO_ABI_MEMBER(type, path)), ref_type)); \
} while (0)

/*
 * A flexible array member: it has no size, and its type is checked only
 * as "array of elem_type".  Whether it is written "x[]" or "x[0]" cannot
 * be told apart here (GCC gives both the same type); the inventory, which
 * compares the declarations as text, catches that difference.
 */
#define VFIO_ABI_FLEX(entity, type, path, elem_type) do {		\
	VFIO_ABI_VAL(entity, "offsetof(" #path ")", offsetof(type, path)); \
	VFIO_ABI_VAL(entity, "alignof(" #path ")",			\
		     __alignof__(VFIO_ABI_MEMBER(type, path)));		\
	VFIO_ABI_VAL(entity, "type(" #path ")",				\
		     __builtin_types_compatible_p(			\
			__typeof__(VFIO_ABI_MEMBER(type, path)), elem_type[])); \
} while (0)

/* A member declared as an inline struct or union: its size. */
#define VFIO_ABI_NESTED(entity, type, path)				\
	VFIO_ABI_VAL(entity, "sizeof(" #path ")",			\
		     sizeof(VFIO_ABI_MEMBER(type, path)))

/* Never called: "used" keeps the compiler from dropping it unseen. */
static void __attribute__((used)) vfio_abi_probe(void)
{
#include "vfio_abi_items.h"
}
