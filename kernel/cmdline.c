/*
 * cmdline.c: turns the Multiboot command line into struct kopts.
 *
 * Words are separated by spaces; a word is `key` or `key=value`.  The
 * first word may be the image path that GRUB passes; a word that names
 * no option is reported through warn() and ignored, never fatal.
 * Returns the number of words ignored.
 */
#include <string.h>
#include "cmdline.h"

static bool word_is(const char *w, size_t n, const char *key)
{
	return strlen(key) == n && memcmp(w, key, n) == 0;
}

static bool copy_value(char *dst, const char *v, size_t n)
{
	if (n >= KOPT_STR)
		return false;
	memcpy(dst, v, n);
	dst[n] = 0;
	return true;
}

/* One word: key[=value].  Returns NULL when taken, else why not. */
static const char *take_word(const char *w, size_t n, struct kopts *o)
{
	const char *eq = memchr(w, '=', n);
	size_t kn = eq ? (size_t)(eq - w) : n;
	const char *v = eq ? eq + 1 : NULL;
	size_t vn = eq ? n - kn - 1 : 0;

	if (word_is(w, kn, "test") || word_is(w, kn, "bench")) {
		bool is_test = w[0] == 't';
		if (v && !copy_value(is_test ? o->test_filter : o->bench_filter, v, vn))
			return "value too long";
		*(is_test ? &o->test : &o->bench) = true;
		return NULL;
	}
	if (word_is(w, n, "quiet")) {
		o->quiet = true;
		return NULL;
	}
	if (word_is(w, kn, "pvops") && v) {
		if (word_is(v, vn, "patch"))
			o->pv_mode = PVMODE_PATCH;
		else if (word_is(v, vn, "nopatch"))
			o->pv_mode = PVMODE_NOPATCH;
		else if (word_is(v, vn, "verbose"))
			o->pv_verbose = true;
		else
			return "pvops takes patch, nopatch or verbose";
		return NULL;
	}
	if (word_is(w, kn, "expect") && v) {
		if (!copy_value(o->expect, v, vn))
			return "value too long";
		return NULL;
	}
	if (word_is(w, kn, "virtio") && v) {
		if (!copy_value(o->virtio, v, vn))
			return "value too long";
		return NULL;
	}
	if (word_is(w, n, "rom=off")) {
		o->rom_off = true;
		return NULL;
	}
	/* Issue 14: ABI 1.3 re-binding. */
	if (word_is(w, n, "rebind=off")) {
		o->rebind_off = true;
		return NULL;
	}
	if (word_is(w, n, "rebind.hop")) {
		o->rebind_hop = true;
		return NULL;
	}
	if (word_is(w, kn, "rebind.wait") && v) {
		unsigned x = 0;
		for (size_t i = 0; i < vn; i++) {
			if (v[i] < '0' || v[i] > '9' || x > 100)
				return "rebind.wait takes a number of re-binds, 0 to 100";
			x = x * 10 + (unsigned)(v[i] - '0');
		}
		if (vn == 0 || x > 100)
			return "rebind.wait takes a number of re-binds, 0 to 100";
		o->rebind_wait = x;
		return NULL;
	}
	/* The platform cannot deliver #BP for an int3 (QEMU on a KVM that
	 * runs guests through its emulator): tests that execute one skip. */
	if (word_is(w, n, "noint3")) {
		o->no_int3 = true;
		return NULL;
	}
	/* ROM ABI 1.2: keep the CALL of every inline answer (bench, tests). */
	if (word_is(w, n, "rominline=off")) {
		o->rom_inline_off = true;
		return NULL;
	}
	return "unknown option";
}

int cmdline_parse(const char *s, struct kopts *o, cmdline_warn_fn warn)
{
	int ignored = 0;
	bool first = true;

	memset(o, 0, sizeof(*o));
	o->pv_mode = PVMODE_PATCH;
	while (s && *s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *w = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		size_t n = (size_t)(s - w);
		/* GRUB and QEMU may pass the image path as the first word. */
		if (first && memchr(w, '/', n) && !memchr(w, '=', n)) {
			first = false;
			continue;
		}
		first = false;
		const char *why = take_word(w, n, o);
		if (why) {
			ignored++;
			if (warn)
				warn(w, n, why);
		}
	}
	return ignored;
}
