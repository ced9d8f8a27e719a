/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small JSON reader for tests that check a tool's --json output.
 *
 * It builds a tree of the whole document.  Numbers are read as unsigned
 * 64-bit integers, which is all the tools here print; anything else (a
 * sign, a fraction, an exponent) is a syntax error, so a tool that starts
 * printing such numbers is noticed instead of silently misread.
 *
 * Header-only, like the other selftest helpers, so that each test program
 * links on its own.
 */
#ifndef JSON_READER_H
#define JSON_READER_H

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/**
 * struct json_value - one node of a parsed document
 * @type: which of the members below is meaningful
 * @boolean: value of a JSON_BOOL
 * @number: value of a JSON_NUMBER
 * @string: value of a JSON_STRING, NUL-terminated
 * @nr: members of a JSON_ARRAY or JSON_OBJECT
 * @items: those members, in document order
 * @keys: for a JSON_OBJECT, the key of each member
 */
struct json_value {
	enum json_type type;
	bool boolean;
	unsigned long long number;
	char *string;
	unsigned int nr;
	struct json_value **items;
	char **keys;
};

struct json_parser {
	const char *p;
	int depth;
};

static inline void json_free(struct json_value *v)
{
	unsigned int i;

	if (!v)
		return;
	for (i = 0; i < v->nr; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

static inline void json_skip_space(struct json_parser *jp)
{
	while (isspace((unsigned char)*jp->p))
		jp->p++;
}

/* A string literal; escapes beyond what the tools emit are refused. */
static inline char *json_parse_string(struct json_parser *jp)
{
	size_t len = 0, size = 16;
	char *s, *grown;

	if (*jp->p != '"')
		return NULL;
	jp->p++;
	s = malloc(size);
	while (s && *jp->p != '"') {
		char c = *jp->p++;

		if (!c) {
			free(s);
			return NULL;
		}
		if (c == '\\') {
			c = *jp->p++;
			if (c == 'u') {
				unsigned int code;

				if (sscanf(jp->p, "%4x", &code) != 1 ||
				    code > 0x7f) {
					free(s);
					return NULL;
				}
				jp->p += 4;
				c = (char)code;
			} else if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c != '"' && c != '\\' && c != '/') {
				free(s);
				return NULL;
			}
		}
		if (len + 1 >= size) {
			size *= 2;
			grown = realloc(s, size);
			if (!grown) {
				free(s);
				return NULL;
			}
			s = grown;
		}
		s[len++] = c;
	}
	if (!s)
		return NULL;
	jp->p++;
	s[len] = '\0';
	return s;
}

static inline struct json_value *json_parse_value(struct json_parser *jp);

/* Append @item (and @key, for objects) to @v; false when out of memory. */
static inline bool json_append(struct json_value *v, struct json_value *item,
			       char *key)
{
	struct json_value **items;
	char **keys;

	items = realloc(v->items, (v->nr + 1) * sizeof(*items));
	if (!items)
		return false;
	v->items = items;
	if (v->type == JSON_OBJECT) {
		keys = realloc(v->keys, (v->nr + 1) * sizeof(*keys));
		if (!keys)
			return false;
		v->keys = keys;
		v->keys[v->nr] = key;
	}
	v->items[v->nr++] = item;
	return true;
}

static inline struct json_value *json_parse_container(struct json_parser *jp,
						      struct json_value *v)
{
	char close = v->type == JSON_OBJECT ? '}' : ']';
	struct json_value *item;
	char *key = NULL;

	jp->p++;
	json_skip_space(jp);
	if (*jp->p == close) {
		jp->p++;
		return v;
	}
	for (;;) {
		json_skip_space(jp);
		if (v->type == JSON_OBJECT) {
			key = json_parse_string(jp);
			if (!key)
				goto fail;
			json_skip_space(jp);
			if (*jp->p++ != ':')
				goto fail_key;
		}
		item = json_parse_value(jp);
		if (!item)
			goto fail_key;
		if (!json_append(v, item, key)) {
			json_free(item);
			goto fail_key;
		}
		key = NULL;
		json_skip_space(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p++ == close)
			return v;
		goto fail;
	}
fail_key:
	free(key);
fail:
	json_free(v);
	return NULL;
}

static inline struct json_value *json_parse_value(struct json_parser *jp)
{
	struct json_value *v;
	char *end;

	if (++jp->depth > 64)
		return NULL;
	json_skip_space(jp);
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;

	if (*jp->p == '{' || *jp->p == '[') {
		v->type = *jp->p == '{' ? JSON_OBJECT : JSON_ARRAY;
		v = json_parse_container(jp, v);
	} else if (*jp->p == '"') {
		v->type = JSON_STRING;
		v->string = json_parse_string(jp);
		if (!v->string) {
			free(v);
			v = NULL;
		}
	} else if (isdigit((unsigned char)*jp->p)) {
		v->type = JSON_NUMBER;
		v->number = strtoull(jp->p, &end, 10);
		jp->p = end;
		if (*end == '.' || *end == 'e' || *end == 'E') {
			free(v);
			v = NULL;
		}
	} else if (!strncmp(jp->p, "true", 4) || !strncmp(jp->p, "false", 5)) {
		v->type = JSON_BOOL;
		v->boolean = *jp->p == 't';
		jp->p += v->boolean ? 4 : 5;
	} else if (!strncmp(jp->p, "null", 4)) {
		v->type = JSON_NULL;
		jp->p += 4;
	} else {
		free(v);
		v = NULL;
	}
	jp->depth--;
	return v;
}

/**
 * json_parse() - parse a whole document
 * @text: the document, NUL-terminated
 *
 * Return: the root value, to be released with json_free(), or NULL if
 * @text is not one well-formed JSON value.
 */
static inline struct json_value *json_parse(const char *text)
{
	struct json_parser jp = { .p = text };
	struct json_value *v;

	v = json_parse_value(&jp);
	if (!v)
		return NULL;
	json_skip_space(&jp);
	if (*jp.p) {
		json_free(v);
		return NULL;
	}
	return v;
}

/* Member @key of object @v, or NULL (also when @v is not an object). */
static inline const struct json_value *json_get(const struct json_value *v,
						const char *key)
{
	unsigned int i;

	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < v->nr; i++)
		if (!strcmp(v->keys[i], key))
			return v->items[i];
	return NULL;
}

/* Element @i of array @v, or NULL. */
static inline const struct json_value *json_at(const struct json_value *v,
					       unsigned int i)
{
	if (!v || v->type != JSON_ARRAY || i >= v->nr)
		return NULL;
	return v->items[i];
}

/* Member @key as a number; @fallback if it is missing or not a number. */
static inline unsigned long long json_number(const struct json_value *v,
					     const char *key,
					     unsigned long long fallback)
{
	const struct json_value *m = json_get(v, key);

	return m && m->type == JSON_NUMBER ? m->number : fallback;
}

/* Member @key as a string; NULL if it is missing, null or not a string. */
static inline const char *json_string(const struct json_value *v,
				      const char *key)
{
	const struct json_value *m = json_get(v, key);

	return m && m->type == JSON_STRING ? m->string : NULL;
}

/* Member @key as a boolean; false unless it is true. */
static inline bool json_true(const struct json_value *v, const char *key)
{
	const struct json_value *m = json_get(v, key);

	return m && m->type == JSON_BOOL && m->boolean;
}

/* Number of elements of array member @key, or -1 if it is no array. */
static inline int json_array_len(const struct json_value *v, const char *key)
{
	const struct json_value *m = json_get(v, key);

	return m && m->type == JSON_ARRAY ? (int)m->nr : -1;
}

#endif /* JSON_READER_H */
