/* control.c: the control socket (control.h).  Messages are QMP's:
 *
 *   <- {"QMP": {"version": {"hv": "0.1"}, "capabilities": []}}
 *   -> {"execute": "snapshot", "arguments": {"file": "s.hvsnap"}, "id": 1}
 *   <- {"return": {"file": "s.hvsnap", "pages": 912, ...}, "id": 1}
 *   <- {"error": {"class": "GenericError", "desc": "..."}, "id": 1}
 *
 * Every message is parsed by json-c's streaming tokener (a message may
 * arrive in pieces, several in one read); nothing here reads JSON by
 * hand.  Bad input (not JSON, not an object, an unknown command, wrong
 * arguments) gets an error reply and the guest runs on; a client that
 * leaves in the middle of a message is noted on stderr and the next
 * one is served. */
#define _GNU_SOURCE             /* accept4 */
#include "control.h"
#include "snapshot.h"
#include "migrate.h"
#include "devices/virtio_dev.h"

#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CTL_SIGNAL   (SIGRTMIN + 3)
#define CTL_MAX_MSG  65536      /* bytes of one message still incomplete */

/* A command for the vCPU thread, and its answer. */
struct ctl_req {
	const char *cmd;
	json_object *args;          /* may be NULL */
	json_object *ret;           /* OUT: the "return" object, or NULL */
	char err[512];              /* OUT: the error, when ret is NULL */
	int done;
	void (*fn)(struct hv *hv, void *arg);   /* control__call's */
	void *arg;
};

static struct {
	struct hv *hv;
	int lfd;
	pthread_t vcpu, thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ctl_req *req;
	int pending;                /* atomic: req posted, not yet taken */
} ctl = { .lfd = -1, .lock = PTHREAD_MUTEX_INITIALIZER,
	  .cond = PTHREAD_COND_INITIALIZER };

static struct kvm_run *volatile ctl_run;

static void ctl_kick(int sig)
{
	(void)sig;
	if (ctl_run)
		ctl_run->immediate_exit = 1;
}

int control__pending(void)
{
	return __atomic_load_n(&ctl.pending, __ATOMIC_ACQUIRE);
}

/* ---- commands, run in the vCPU thread -------------------------------- */

static json_object *ctl_stats(struct hv *hv)
{
	json_object *o = json_object_new_object(), *r = json_object_new_object();

	json_object_object_add(o, "exits", json_object_new_int64((int64_t)hv->stats.total));
	for (unsigned i = 0; i < HV_NREASON; i++)
		if (hv->stats.reason[i])
			json_object_object_add(r, stats__reason_name(i),
					       json_object_new_int64((int64_t)hv->stats.reason[i]));
	json_object_object_add(o, "reasons", r);
	json_object_object_add(o, "paused", json_object_new_boolean(hv->paused));
	json_object_object_add(o, "backend", json_object_new_string(hv->opt.backend));
	json_object_object_add(o, "memory", json_object_new_int64((int64_t)hv->gm.size));
	json_object_object_add(o, "resident-pages",
			       json_object_new_int64((int64_t)stats__guest_resident(hv)));
	json_object_object_add(o, "balloon-pages",
			       json_object_new_int64((int64_t)hv->stats.balloon_pages));
	return o;
}

static json_object *ctl_snapshot(struct hv *hv, struct ctl_req *r)
{
	const char *file = json_object_get_string(json_object_object_get(r->args, "file"));
	json_object *o;

	if (snapshot__save(hv, file, r->err, sizeof(r->err)))
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "file", json_object_new_string(file));
	json_object_object_add(o, "pages", json_object_new_int64((int64_t)hv->snap_pages));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)hv->snap_bytes));
	json_object_object_add(o, "ms", json_object_new_double(hv->snap_ms));
	fprintf(stderr, "hv: snapshot %s: %llu pages, %llu bytes, %.2f ms\n", file,
		(unsigned long long)hv->snap_pages, (unsigned long long)hv->snap_bytes,
		hv->snap_ms);
	return o;
}

static void ctl_exec(struct hv *hv, struct ctl_req *r)
{
	const char *c = r->cmd;

	if (r->fn) {
		r->fn(hv, r->arg);
		r->ret = json_object_new_object();
	} else if (!strcmp(c, "stop") || !strcmp(c, "pause")) {
		hv->paused = 1;
		r->ret = json_object_new_object();
	} else if (!strcmp(c, "cont") || !strcmp(c, "resume")) {
		hv->paused = 0;
		r->ret = json_object_new_object();
	} else if (!strcmp(c, "stats")) {
		r->ret = ctl_stats(hv);
	} else if (!strcmp(c, "snapshot")) {
		r->ret = ctl_snapshot(hv, r);
	} else if (!strcmp(c, "balloon")) {
		int64_t v = json_object_get_int64(json_object_object_get(r->args, "value"));
		if (vballoon__target(hv, (uint64_t)v, r->err, sizeof(r->err)) == 0)
			r->ret = json_object_new_object();
	} else if (!strcmp(c, "quit")) {
		hv_end(hv, 0, "quit (control socket)");
		r->ret = json_object_new_object();
	}
}

/* Takes the posted command, if any; 1 when one was served. */
static int ctl_take(struct hv *hv)
{
	struct ctl_req *r = ctl.req;

	if (r == NULL)
		return 0;
	ctl.req = NULL;
	__atomic_store_n(&ctl.pending, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ctl.lock);
	ctl_exec(hv, r);
	pthread_mutex_lock(&ctl.lock);
	r->done = 1;
	pthread_cond_broadcast(&ctl.cond);
	return 1;
}

void control__poll(struct hv *hv)
{
	if (ctl.lfd < 0 || (!control__pending() && !hv->paused))
		return;
	pthread_mutex_lock(&ctl.lock);
	while (!hv->ended && (ctl_take(hv) || hv->paused)) {
		struct timespec ts;
		if (timer__expired())
			break;
		if (!hv->paused)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (ctl.req == NULL)
			pthread_cond_timedwait(&ctl.cond, &ctl.lock, &ts);
	}
	pthread_mutex_unlock(&ctl.lock);
	if (!timer__expired())
		hv->run->immediate_exit = 0;
}

/* ---- the socket thread ----------------------------------------------- */

/* The control thread hands r to the vCPU thread and waits. */
static void ctl_post(struct ctl_req *r)
{
	pthread_mutex_lock(&ctl.lock);
	while (ctl.req != NULL)
		pthread_cond_wait(&ctl.cond, &ctl.lock);
	ctl.req = r;
	__atomic_store_n(&ctl.pending, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&ctl.cond);
	pthread_kill(ctl.vcpu, CTL_SIGNAL);
	while (!r->done && !ctl.hv->ended)
		pthread_cond_wait(&ctl.cond, &ctl.lock);
	pthread_mutex_unlock(&ctl.lock);
}

int control__call(void (*fn)(struct hv *hv, void *arg), void *arg)
{
	struct ctl_req r = { .cmd = "", .fn = fn, .arg = arg };

	ctl_post(&r);
	if (r.ret)
		json_object_put(r.ret);
	return r.done ? 0 : -1;
}

static void ctl_send(int fd, json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	size_t len = strlen(s);

	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
	send(fd, "\n", 1, MSG_NOSIGNAL);
}

static json_object *ctl_error(const char *cls, const char *desc)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();

	json_object_object_add(e, "class", json_object_new_string(cls));
	json_object_object_add(e, "desc", json_object_new_string(desc));
	json_object_object_add(o, "error", e);
	return o;
}

/* The command's argument of type t, or NULL. */
static json_object *ctl_arg(json_object *args, const char *key, json_type t)
{
	json_object *v = args ? json_object_object_get(args, key) : NULL;
	return v && json_object_is_type(v, t) ? v : NULL;
}

/* What each command needs before it is posted: NULL when fine. */
static const char *ctl_check(const char *cmd, json_object *args)
{
	static const char *const plain[] = { "stop", "pause", "cont", "resume", "stats",
					     "quit", "qmp_capabilities" };

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (!strcmp(cmd, plain[i]))
			return NULL;
	if (!strcmp(cmd, "snapshot"))
		return ctl_arg(args, "file", json_type_string) ? NULL
		       : "snapshot needs \"arguments\": {\"file\": PATH}";
	if (!strcmp(cmd, "migrate"))
		return ctl_arg(args, "uri", json_type_string) ? NULL
		       : "migrate needs \"arguments\": {\"uri\": \"unix:PATH\"}";
	if (!strcmp(cmd, "balloon"))
		return ctl_arg(args, "value", json_type_int) &&
		       json_object_get_int64(ctl_arg(args, "value", json_type_int)) >= 0 ? NULL
		       : "balloon needs \"arguments\": {\"value\": BYTES}";
	return "";
}

/* migrate runs in this thread: its pre-copy rounds go on while the
 * vCPU thread runs the guest (migrate.c stops it for the last round).
 * When the guest has moved, hv ends once the answer is out. */
static int ctl_migrated;

static json_object *ctl_migrate(struct ctl_req *r)
{
	const char *uri = json_object_get_string(json_object_object_get(r->args, "uri"));
	json_object *ret = migrate__send(ctl.hv, uri, r->err, sizeof(r->err)), *reply;
	char desc[600];

	if (ret == NULL) {
		snprintf(desc, sizeof(desc), "migrate %s: %s", uri, r->err);
		return ctl_error("GenericError", desc);
	}
	ctl_migrated = 1;
	reply = json_object_new_object();
	json_object_object_add(reply, "return", ret);
	return reply;
}

/* One parsed message: its answer. */
static json_object *ctl_message(json_object *msg)
{
	json_object *ex = json_object_object_get(msg, "execute"), *args, *reply;
	struct ctl_req r = { 0 };
	const char *why;
	char desc[600];

	if (!json_object_is_type(msg, json_type_object) || !json_object_is_type(ex, json_type_string))
		return ctl_error("GenericError", "a message is an object with \"execute\": NAME");
	args = json_object_object_get(msg, "arguments");
	if (args && !json_object_is_type(args, json_type_object))
		return ctl_error("GenericError", "\"arguments\" must be an object");
	r.cmd = json_object_get_string(ex);
	why = ctl_check(r.cmd, args);
	if (why && !*why) {
		snprintf(desc, sizeof(desc), "The command %s has not been found", r.cmd);
		return ctl_error("CommandNotFound", desc);
	}
	if (why)
		return ctl_error("GenericError", why);
	if (strcmp(r.cmd, "qmp_capabilities") == 0) {
		reply = json_object_new_object();
		json_object_object_add(reply, "return", json_object_new_object());
		return reply;
	}
	r.args = args;
	if (strcmp(r.cmd, "migrate") == 0)     /* runs here, the guest running */
		return ctl_migrate(&r);
	ctl_post(&r);
	if (!r.done)
		return ctl_error("GenericError", "the guest has ended");
	if (r.ret == NULL)
		return ctl_error("GenericError", r.err[0] ? r.err : "failed");
	reply = json_object_new_object();
	json_object_object_add(reply, "return", r.ret);
	return reply;
}

/* Answer one complete message, echoing its "id". */
static void ctl_answer(int fd, json_object *msg)
{
	json_object *reply = ctl_message(msg), *id;

	if (json_object_is_type(msg, json_type_object) &&
	    (id = json_object_object_get(msg, "id")) != NULL)
		json_object_object_add(reply, "id", json_object_get(id));
	ctl_send(fd, reply);
	json_object_put(reply);
	if (ctl_migrated) {             /* the guest runs elsewhere now */
		hv_end(ctl.hv, 0, "migrated (control socket)");
		pthread_mutex_lock(&ctl.lock);
		pthread_cond_broadcast(&ctl.cond);
		pthread_mutex_unlock(&ctl.lock);
	}
}

/* Feeds buf to the tokener; every complete message is answered.  A
 * parse error is answered and the rest of this read dropped. */
static void ctl_feed(int fd, json_tokener *tok, const char *buf, size_t len, size_t *partial)
{
	while (len) {
		json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
		enum json_tokener_error e = json_tokener_get_error(tok);
		size_t used = (size_t)json_tokener_get_parse_end(tok);

		if (e == json_tokener_continue) {
			*partial += len;
			if (*partial > CTL_MAX_MSG) {
				json_object *r = ctl_error("GenericError", "message over 64 KiB");
				ctl_send(fd, r);
				json_object_put(r);
				json_tokener_reset(tok);
				*partial = 0;
			}
			return;
		}
		*partial = 0;
		if (e != json_tokener_success) {
			char desc[200];
			snprintf(desc, sizeof(desc), "JSON parse error: %s",
				 json_tokener_error_desc(e));
			json_object *r = ctl_error("GenericError", desc);
			ctl_send(fd, r);
			json_object_put(r);
			json_tokener_reset(tok);
			return;
		}
		ctl_answer(fd, o);
		json_object_put(o);
		if (used == 0 || used > len)
			return;
		buf += used;
		len -= used;
	}
}

static void ctl_serve(int fd)
{
	json_tokener *tok = json_tokener_new();
	char buf[4096];
	size_t partial = 0;

	dprintf(fd, "{\"QMP\": {\"version\": {\"hv\": \"%s\"}, \"capabilities\": []}}\n",
		HV_VERSION);
	while (tok && !ctl.hv->ended) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		ctl_feed(fd, tok, buf, (size_t)n, &partial);
	}
	if (partial)
		fprintf(stderr, "hv: control: the client left in the middle of a message "
			"(%zu bytes dropped)\n", partial);
	json_tokener_free(tok);
}

static void *ctl_thread(void *arg)
{
	(void)arg;
	for (;;) {
		int fd = accept4(ctl.lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "hv: control: accept: %s\n", strerror(errno));
			return NULL;
		}
		ctl_serve(fd);
		close(fd);
	}
	return NULL;
}

/* The listening socket: a path (an old socket there is replaced,
 * anything else refused) or "@name" in the abstract namespace. */
static int ctl_listen(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	socklen_t alen;
	struct stat st;
	int fd;

	if (n == 0 || n >= sizeof(a.sun_path)) {
		fprintf(stderr, "hv: --control %s: want 1 to %zu characters\n", path,
			sizeof(a.sun_path) - 1);
		return -1;
	}
	memcpy(a.sun_path, path, n);
	alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] != '@'));
	if (path[0] == '@')
		a.sun_path[0] = '\0';
	else if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, alen) || listen(fd, 4)) {
		fprintf(stderr, "hv: --control %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int control__start(struct hv *hv, const char *path)
{
	struct sigaction sa = { .sa_handler = ctl_kick };
	sigset_t all, old;
	int rc;

	ctl.hv = hv;
	ctl.vcpu = pthread_self();
	ctl_run = hv->run;
	sigemptyset(&sa.sa_mask);
	if (sigaction(CTL_SIGNAL, &sa, NULL))
		return -1;
	ctl.lfd = ctl_listen(path);
	if (ctl.lfd < 0)
		return -1;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ctl.thread, NULL, ctl_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		fprintf(stderr, "hv: control thread: %s\n", strerror(rc));
		return -1;
	}
	pthread_detach(ctl.thread);
	return 0;
}
