#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the VFIO uapi ABI check (see run.sh next to this file).
#
#   gen_abi_check.sh inventory HEADER [CPPFLAGS...]
#	Print what HEADER defines, one "ENTITY|KEY|VALUE" record a line:
#	macros (and whether each is an integer, a string or function-like),
#	enumerators, enum tags, structs and unions with every member (the
#	members of anonymous unions/structs are listed under the outer
#	struct, as C11 lets them be named), each member with its type.
#	Only definitions made in HEADER itself count, not in what it includes.
#
#   gen_abi_check.sh probe REFERENCE.inv OURS.inv
#	Print the body of vfio_abi_probe.c: one probe macro per item that
#	both inventories have, so the probe compiles against either header.
#
# The environment variable CC selects the preprocessor (default gcc).

set -eu

usage()
{
	echo "usage: $0 inventory HEADER [CPPFLAGS...] | probe REF.inv OURS.inv" >&2
	exit 2
}

# The C parser only has to understand what uapi headers contain:
# preprocessed struct/union/enum definitions with simple declarators.
inventory()
{
	header=$(realpath "$1")
	shift

	${CC:-gcc} -E -dD "$@" -x c "$header" | awk -v hdr="$header" '
	function is_ident(t) { return t ~ /^[A-Za-z_][A-Za-z0-9_]*$/ }

	# Linemarkers tell which file the following lines come from.
	/^# [0-9]+ "/ {
		f = $0
		sub(/^# [0-9]+ "/, "", f)
		sub(/".*$/, "", f)
		in_hdr = (f == hdr)
		next
	}
	!in_hdr { next }
	/^#define / { define(substr($0, 9)); next }
	/^#undef / {
		if ($2 in mkind)
			delete mkind[$2]
		next
	}
	/^#/ { next }
	{ code = code " " $0 }

	function define(line,	name, rest, args, body, kind, n, parts)
	{
		match(line, /^[A-Za-z_][A-Za-z0-9_]*/)
		name = substr(line, 1, RLENGTH)
		rest = substr(line, RLENGTH + 1)
		if (substr(rest, 1, 1) == "(") {
			args = substr(rest, 2, index(rest, ")") - 2)
			gsub(/[ \t]/, "", args)
			n = (args == "") ? 0 : split(args, parts, ",")
			kind = "function(" n ")"
		} else {
			body = rest
			gsub(/^[ \t]+|[ \t]+$/, "", body)
			if (body == "")
				kind = "empty"
			else if (body ~ /^"/)
				kind = "string"
			else
				kind = "integer"
		}
		# The include guard is not part of the interface.
		if (kind == "empty" && name ~ /^_.*_H$/)
			return
		if (!(name in mkind))
			morder[++nmacros] = name
		mkind[name] = kind
	}

	function tokenize(s,	i, n, raw, depth, attr)
	{
		gsub(/[][{};,*()=:]/, " & ", s)
		n = split(s, raw, /[ \t]+/)
		NT = 0
		for (i = 1; i <= n; i++) {
			if (raw[i] == "" || raw[i] == "__extension__")
				continue
			if (raw[i] == "__attribute__") {
				# Keep __attribute__((...)) as one token: it is
				# part of the member type (__aligned_u64).
				attr = raw[i]
				depth = 0
				for (i++; i <= n; i++) {
					attr = attr raw[i]
					if (raw[i] == "(")
						depth++
					else if (raw[i] == ")" && --depth == 0)
						break
				}
				T[++NT] = attr
				continue
			}
			T[++NT] = raw[i]
		}
	}

	function match_brace(i,	depth)
	{
		depth = 0
		for (; i <= NT; i++) {
			if (T[i] == "{")
				depth++
			else if (T[i] == "}" && --depth == 0)
				return i
		}
		print "gen_abi_check: unbalanced braces" > "/dev/stderr"
		exit 1
	}

	function join(from, to, sep,	i, s)
	{
		s = ""
		for (i = from; i <= to; i++)
			s = s (s == "" ? "" : sep) T[i]
		return s
	}

	# One declarator T[from..to] of a member; "base" holds the type
	# specifiers shared by all declarators of the declaration.
	function member(ent, prefix, from, to, base,	i, name, type, arr, bits)
	{
		name = 0
		for (i = from; i <= to && T[i] != "[" && T[i] != ":"; i++)
			if (is_ident(T[i]))
				name = i
		if (!name) {
			print "gen_abi_check: cannot parse member in " ent > "/dev/stderr"
			exit 1
		}
		type = base
		if (name > from)
			type = type (type == "" ? "" : " ") join(from, name - 1, " ")
		arr = ""
		bits = ""
		for (i = name + 1; i <= to; i++) {
			if (T[i] == ":") {
				bits = ":" join(i + 1, to, "")
				break
			}
			arr = arr T[i]
		}
		print ent "|field " prefix T[name] "|" type (arr == "" ? "" : " " arr) bits
	}

	# Members of the aggregate whose "{" is T[i]; returns the index of
	# the matching "}".
	function members(i, ent, prefix,	j, rbrace, k, name, semi, start, base, nbase)
	{
		for (i++; T[i] != "}"; ) {
			if ((T[i] == "struct" || T[i] == "union") &&
			    (T[i + 1] == "{" || T[i + 2] == "{")) {
				j = (T[i + 1] == "{") ? i + 1 : i + 2
				rbrace = match_brace(j)
				name = ""
				for (k = rbrace + 1; T[k] != ";"; k++)
					if (is_ident(T[k]))
						name = T[k]
				if (name == "") {
					members(j, ent, prefix)
				} else {
					print ent "|field " prefix name "|<nested " T[i] ">"
					members(j, ent, prefix name ".")
				}
				i = k + 1
				continue
			}
			for (semi = i; T[semi] != ";"; semi++)
				;
			# Shared type specifiers: the tokens before the first
			# declarator, i.e. up to the first "*" or the name.
			nbase = 0
			for (k = i; k < semi && T[k] != "*" && T[k] != "," &&
				    T[k] != "[" && T[k] != ":"; k++)
				nbase++
			if (T[k] != "*")
				nbase--
			base = join(i, i + nbase - 1, " ")
			start = i + nbase
			for (k = start; k <= semi; k++) {
				if (k == semi || T[k] == ",") {
					member(ent, prefix, start, k - 1, base)
					start = k + 1
				}
			}
			i = semi + 1
		}
		return i
	}

	# Enumerator names follow "{" or a "," outside parentheses.
	function enumerators(i, owner,	depth)
	{
		depth = 0
		for (i++; T[i] != "}"; i++) {
			if (T[i] == "(")
				depth++
			else if (T[i] == ")")
				depth--
			else if (!depth && is_ident(T[i]) &&
				 (T[i - 1] == "{" || T[i - 1] == ","))
				print "enumerator " T[i] "|defined|" owner
		}
		return i
	}

	END {
		for (m = 1; m <= nmacros; m++)
			if (morder[m] in mkind)
				print "macro " morder[m] "|defined|" mkind[morder[m]]

		tokenize(code)
		for (i = 1; i <= NT; ) {
			if (T[i] == "struct" || T[i] == "union" || T[i] == "enum") {
				kind = T[i++]
				tag = ""
				if (is_ident(T[i]))
					tag = T[i++]
				if (T[i] == "{") {
					if (kind == "enum") {
						if (tag != "")
							print "enum " tag "|defined|enum"
						i = enumerators(i, tag == "" ? "anonymous enum" : "enum " tag)
					} else if (tag != "") {
						print kind " " tag "|defined|" kind
						i = members(i, kind " " tag, "")
					} else {
						i = match_brace(i)
					}
				}
			}
			# Skip the rest of the declaration.
			for (; i <= NT && T[i] != ";"; i++)
				if (T[i] == "{")
					i = match_brace(i)
			i++
		}
	}'
}

# Emit one probe line per item both inventories share.  Types come from
# the reference; the probe checks ours against them.
probe()
{
	awk -F'|' '
	NR == FNR { ours[$1 "|" $2] = $3; next }
	!(($1 "|" $2) in ours) { next }
	{
		split($1, e, " ")
		kind = e[1]
		name = e[2]
	}
	kind == "macro" && $3 == ours[$1 "|" $2] {
		if ($3 == "integer")
			printf "\tVFIO_ABI_INT(\"%s\", %s);\n", $1, name
		else if ($3 == "string")
			printf "\tVFIO_ABI_STR(\"%s\", %s);\n", $1, name
		else if ($3 ~ /^function/) {
			n = $3
			gsub(/[^0-9]/, "", n)
			for (v = -1; v <= 16; v++) {
				args = ""
				for (a = 1; a <= n; a++)
					args = args (a > 1 ? ", " : "") v
				printf "\tVFIO_ABI_VAL(\"%s\", \"%s(%s)\", %s(%s));\n",
					$1, name, args, name, args
			}
		}
		next
	}
	kind == "enumerator" {
		printf "\tVFIO_ABI_INT(\"%s\", %s);\n", $1, name
		next
	}
	kind == "enum" && $2 == "defined" {
		printf "\tVFIO_ABI_ENUM(\"%s\", %s);\n", $1, name
		next
	}
	(kind == "struct" || kind == "union") && $2 == "defined" {
		printf "\tVFIO_ABI_TYPE(\"%s\", %s);\n", $1, $1
		next
	}
	(kind == "struct" || kind == "union") && $2 ~ /^field / {
		path = substr($2, 7)
		type = $3
		if (type ~ /:/) {
			# A bit-field has no address; its width is in the type.
		} else if (type ~ /^<nested/) {
			printf "\tVFIO_ABI_NESTED(\"%s\", %s, %s);\n", $1, $1, path
		} else if (type ~ / \[\]$/) {
			sub(/ \[\]$/, "", type)
			printf "\tVFIO_ABI_FLEX(\"%s\", %s, %s, %s);\n", $1, $1, path, type
		} else {
			sub(/ \[/, "[", type)
			printf "\tVFIO_ABI_FIELD(\"%s\", %s, %s, %s);\n", $1, $1, path, type
		}
	}' "$2" "$1"
}

[ $# -ge 2 ] || usage
cmd=$1
shift
case $cmd in
inventory)
	inventory "$@"
	;;
probe)
	[ $# -eq 2 ] || usage
	probe "$1" "$2"
	;;
*)
	usage
	;;
esac
