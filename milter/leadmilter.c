/*
 * leadmilter - qualify, annotate and route sales inquiries (main program)
 *
 * SYNOPSIS     leadmilter [-fnvV] [-c config] [-p socket] [-P pidfile]
 *                         [-r rules] [-u user[:group]]
 * DESCRIPTION  Loads the configuration and the rules (one function, used
 *              at start-up, by -n and by reload), opens the milter socket,
 *              detaches (unless -f), writes the pid file, drops privileges,
 *              opens the prospect store (StoreFile) and runs libmilter.
 *              The command-line flags override the keys Socket, PidFile,
 *              Rules and UserID.
 *              Signals: the main thread blocks SIGUSR1, SIGTERM, SIGINT
 *              and SIGHUP before any thread exists and then waits for them
 *              with sigwait() while smfi_main() runs in its own thread.
 *              While configuration and rules load (a large rule set takes
 *              a while) a watcher thread lets SIGTERM and SIGINT end the
 *              process as if nothing were blocked.
 *              SIGUSR1 re-reads configuration and rules and swaps them in
 *              only if both loaded; SIGTERM and SIGINT call smfi_stop()
 *              and let messages in flight finish.  (libmilter's own signal
 *              thread also waits for SIGHUP/SIGTERM/SIGINT; Linux hands a
 *              process signal to the main thread first when it waits for
 *              it, so ours sees SIGTERM and SIGINT, and SIGHUP stops as
 *              libmilter does.)
 * DIAGNOSTICS  Exit codes from sysexits.h: EX_USAGE for bad flags,
 *              EX_CONFIG for a bad configuration, EX_DATAERR for bad
 *              rules, EX_OSERR/EX_UNAVAILABLE/EX_NOUSER/EX_CANTCREAT for
 *              system trouble, EX_SOFTWARE for a libmilter failure.
 * SEE ALSO     leadmilter(8), leadmilter.conf(5), opendkim/opendkim.c
 */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sysexits.h>
#include <syslog.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "buf.h"
#include "config.h"
#include "engine.h"
#include "log.h"
#include "milter.h"
#include "rules.h"
#include "store.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define LEADMILTER_CONF		SYSCONFDIR "/leadmilter/leadmilter.conf"
#define LEADMILTER_DRAIN	30	/* seconds to let messages finish at stop */

/* What the command line asked for. */
struct leadmilter_opts {
	const char *conf;	/* -c, or the default if it exists, or NULL */
	const char *socket;	/* -p */
	const char *pid_file;	/* -P */
	const char *rules;	/* -r */
	const char *user;	/* -u */
	int foreground;		/* -f */
	int check;		/* -n */
	int verbose;		/* -v */
};

static pthread_t leadmilter_main_thread;
static int leadmilter_smfi_status;		/* set before _smfi_done */
static atomic_int leadmilter_smfi_done;

/* leadmilter_usage - say how to call us and exit */
static void __attribute__((noreturn))
leadmilter_usage(void)
{
	fprintf(stderr, "usage: leadmilter [-fnvV] [-c config] [-p socket] [-P pidfile]\n"
		"                  [-r rules] [-u user[:group]]\n");
	exit(EX_USAGE);
}

/* leadmilter_abs - a file name from the command line made absolute, so
 * that a reload after chdir("/") finds the same file; caller free()s */
static char *
leadmilter_abs(const char *path)
{
	char cwd[4096];
	struct buf b = BUF_INIT;

	if (path == NULL || path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return lm_xstrdup(path);
	buf_printf(&b, "%s/%s", cwd, path);
	return buf_steal(&b);
}

/* leadmilter_load - configuration, flag overrides and rules, all or
 * nothing; returns EX_OK, EX_CONFIG or EX_DATAERR with err filled */
static int
leadmilter_load(const struct leadmilter_opts *o, struct config **cfgp,
		struct ruleset **rsp, struct lm_err *err)
{
	static const char origin[] = "command line";
	struct config *cfg;
	struct ruleset *rs;

	if (config_load(o->conf, &cfg, err) != 0)
		return EX_CONFIG;
	if ((o->socket && config_set(cfg, "Socket", o->socket, origin, err) != 0) ||
	    (o->pid_file && config_set(cfg, "PidFile", o->pid_file, origin, err) != 0) ||
	    (o->rules && config_set(cfg, "Rules", o->rules, origin, err) != 0) ||
	    (o->user && config_set(cfg, "UserID", o->user, origin, err) != 0)) {
		config_free(cfg);
		return EX_CONFIG;
	}
	if (rules_load(cfg->rules[0] ? cfg->rules : NULL, &rs, err) != 0) {
		config_free(cfg);
		return EX_DATAERR;
	}
	*cfgp = cfg;
	*rsp = rs;
	return EX_OK;
}

/* leadmilter_user - look up "user[:group]" */
static void
leadmilter_user(const char *spec, uid_t *uid, gid_t *gid)
{
	char *user = lm_xstrdup(spec), *group = strchr(user, ':');
	struct passwd *pw;
	struct group *gr;

	if (group)
		*group++ = '\0';
	if ((pw = getpwnam(user)) == NULL)
		log_fatal(EX_NOUSER, "UserID: no such user \"%.100s\"", user);
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group && *group) {
		if ((gr = getgrnam(group)) == NULL)
			log_fatal(EX_NOUSER, "UserID: no such group \"%.100s\"", group);
		*gid = gr->gr_gid;
	}
	free(user);
}

/* leadmilter_drop - become uid/gid for good (supplementary groups too) */
static void
leadmilter_drop(const char *spec, uid_t uid, gid_t gid)
{
	struct passwd *pw = getpwuid(uid);

	if (getuid() == uid && geteuid() == uid && getgid() == gid)
		return;
	if (geteuid() != 0)
		log_fatal(EX_NOPERM, "UserID %s: only root can change user", spec);
	if (setgroups(0, NULL) != 0 ||
	    (pw != NULL && initgroups(pw->pw_name, gid) != 0) ||
	    setgid(gid) != 0 || setuid(uid) != 0)
		log_fatal(EX_OSERR, "UserID %s: cannot switch: %s", spec, strerror(errno));
	if (setuid(0) == 0 && uid != 0)
		log_fatal(EX_OSERR, "UserID %s: could regain root", spec);
}

/* leadmilter_socket_path - the file of a local socket, or NULL */
static const char *
leadmilter_socket_path(const char *spec)
{
	if (spec[0] == '/')
		return spec;
	if (strncasecmp(spec, "local:", 6) == 0)
		return spec + 6;
	if (strncasecmp(spec, "unix:", 5) == 0)
		return spec + 5;
	return NULL;
}

/*
 * leadmilter_nodelay - TCP_NODELAY on libmilter's listening TCP socket.
 * libmilter answers end-of-message with small writes; with Nagle's
 * algorithm on and the MTA's delayed ACK, each message on inet: waits
 * about 40 ms.  Linux hands the option on to accepted sockets.  XXX
 * libmilter has no call that returns its socket, so we find it: the one
 * listening TCP socket we hold right after smfi_opensocket().
 */
static void
leadmilter_nodelay(void)
{
	int maxfd = (int)sysconf(_SC_OPEN_MAX);

	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (int fd = 3; fd < maxfd; fd++) {
		int listening = 0, domain = 0, one = 1;
		socklen_t len = sizeof(listening);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening)
			continue;
		len = sizeof(domain);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
		    (domain != AF_INET && domain != AF_INET6))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
			log_warn("Socket: TCP_NODELAY: %s", strerror(errno));
		else
			log_debug("Socket: TCP_NODELAY set on fd %d", fd);
	}
}

/* leadmilter_open - register with libmilter and open the socket now, so
 * that privileges can be dropped afterwards */
static void
leadmilter_open(const struct config *cfg, int chown_it, uid_t uid, gid_t gid)
{
	const char *path = leadmilter_socket_path(cfg->socket);
	mode_t old;
	int rc;

	if (milter_register() != 0)
		log_fatal(EX_SOFTWARE, "smfi_register failed");
	if (smfi_setconn(cfg->socket) != MI_SUCCESS)
		log_fatal(EX_CONFIG, "Socket %s: smfi_setconn failed", cfg->socket);
	old = umask((mode_t)cfg->umask);
	rc = smfi_opensocket(1);
	umask(old);
	if (rc != MI_SUCCESS)
		log_fatal(EX_UNAVAILABLE, "Socket %s: cannot open (in use, or no such directory?)",
			  cfg->socket);
	if (path == NULL)
		leadmilter_nodelay();
	if (path != NULL && chown_it && chown(path, uid, gid) != 0)
		log_fatal(EX_OSERR, "Socket %s: chown: %s", cfg->socket, strerror(errno));
}

/* leadmilter_detach - become a daemon: new session, no terminal, cwd / */
static void
leadmilter_detach(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		log_fatal(EX_OSERR, "fork: %s", strerror(errno));
	if (pid > 0)
		_exit(EX_OK);
	if (setsid() < 0)
		log_fatal(EX_OSERR, "setsid: %s", strerror(errno));
	if (chdir("/") != 0)
		log_fatal(EX_OSERR, "chdir /: %s", strerror(errno));
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
}

/* leadmilter_pidfile - write our process id */
static void
leadmilter_pidfile(const char *path)
{
	FILE *fp;

	if (path[0] == '\0')
		return;
	if ((fp = fopen(path, "w")) == NULL)
		log_fatal(EX_CANTCREAT, "PidFile %s: %s", path, strerror(errno));
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) != 0)
		log_fatal(EX_CANTCREAT, "PidFile %s: %s", path, strerror(errno));
}

/* leadmilter_store - open the prospect store StoreFile names, or NULL.
 * Lazily: a store that cannot be opened yet is retried on each use, and
 * one that fails is logged and mail goes on without history. */
static struct store *
leadmilter_store(const struct config *cfg)
{
	struct store_opts o;
	struct store *st;
	struct lm_err err;
	char msg[LM_ERR_MAX + 300];

	if (cfg->feedback_address[0] && !cfg->store_file[0])
		log_warn("FeedbackAddress %s needs a StoreFile: feedback mail is delivered unrecorded",
			 cfg->feedback_address);
	if (!cfg->store_file[0])
		return NULL;
	memset(&o, 0, sizeof(o));
	o.path = cfg->store_file;
	o.busy_timeout_ms = (int)cfg->store_busy_timeout;
	o.link_domain = cfg->store_link_domain;
	o.fact_max_age_s = cfg->history_max_age;
	o.retention_s = cfg->retention;
	o.lazy = 1;
	o.async = 1;
	lm_err_clear(&err);
	if (store_open(&o, &st, &err) != 0) {
		log_error("StoreFile %s: %s; qualifying without history",
			  cfg->store_file, lm_err_format(&err, msg, sizeof(msg)));
		return NULL;
	}
	return st;
}

/* leadmilter_restart_only - warn about keys a reload cannot change */
static void
leadmilter_restart_only(const struct config *old, const struct config *cfg)
{
	static const char *keys[] = {
		"Socket", "PidFile", "UserID", "UMask", "Syslog", "SyslogFacility",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(config_get(old, keys[i]), config_get(cfg, keys[i])) != 0)
			log_warn("reload: %s changed: takes effect at the next start", keys[i]);
}

/* leadmilter_reload - SIGUSR1: load aside, swap only if all loaded;
 * returns the configuration now running */
static struct config *
leadmilter_reload(const struct leadmilter_opts *o, struct config *running)
{
	struct config *cfg;
	struct ruleset *rs;
	struct lm_err err;
	char msg[LM_ERR_MAX + 300];

	lm_err_clear(&err);
	if (leadmilter_load(o, &cfg, &rs, &err) != EX_OK) {
		log_error("reload: %s; keeping the running configuration and rules",
			  lm_err_format(&err, msg, sizeof(msg)));
		return running;
	}
	leadmilter_restart_only(running, cfg);
	log_info("reload: loaded %s, %s", cfg->path[0] ? cfg->path : "(defaults)",
		 rules_describe(rs));
	milter_swap(cfg, rs, leadmilter_store(cfg));
	return cfg;
}

/* leadmilter_run_milter - the libmilter thread; wakes the main thread
 * when smfi_main() returns for any reason */
static void *
leadmilter_run_milter(void *arg)
{
	(void)arg;
	leadmilter_smfi_status = smfi_main();
	atomic_store(&leadmilter_smfi_done, 1);
	pthread_kill(leadmilter_main_thread, SIGTERM);
	return NULL;
}

/* leadmilter_watch - during start-up, die of SIGTERM or SIGINT as an
 * unblocked process would; cancelled once start-up is done */
static void *
leadmilter_watch(void *arg)
{
	sigset_t set;
	int sig;

	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigwait(&set, &sig) != 0)
		return NULL;
	signal(sig, SIG_DFL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);	/* delivered to this thread, the only one unblocked */
	return NULL;
}

/* leadmilter_check - -n: load everything as start-up would, say why not */
static int
leadmilter_check(const struct leadmilter_opts *o)
{
	struct config *cfg;
	struct ruleset *rs;
	struct lm_err err;
	char msg[LM_ERR_MAX + 300];
	int rc;

	lm_err_clear(&err);
	if ((rc = leadmilter_load(o, &cfg, &rs, &err)) != EX_OK) {
		fprintf(stderr, "%s\n", lm_err_format(&err, msg, sizeof(msg)));
		return rc;
	}
	if (o->verbose) {
		struct buf b = BUF_INIT;

		config_write(cfg, 1, &b);
		printf("# %s\n# rules: %s\n%s", cfg->path[0] ? cfg->path : "(defaults)",
		       rules_describe(rs), buf_str(&b));
		buf_free(&b);
	}
	rules_unref(rs);
	config_free(cfg);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	struct leadmilter_opts o = { 0 };
	struct config *cfg;
	struct ruleset *rs;
	struct lm_err err;
	char msg[LM_ERR_MAX + 300];
	sigset_t set;
	pthread_t tid, watch;
	uid_t uid = 0;
	gid_t gid = 0;
	int ch, rc, sig;
	unsigned left;
	char *owned[3], *pid_file;

	/* glibc gives each worker thread its own malloc arena (up to 8 per
	 * core); libmilter runs a thread per connection, so under load the
	 * arenas, not the data, made most of the resident size.  Two keep
	 * contention low and RSS near the idle size.  Peak RSS after 3000
	 * messages on 8 connections (2 cores, built-in rules, a store):
	 * glibc's default 28.5 MB, 4 arenas 24.6, 2 arenas 23.3, 1 arena
	 * 22.8 but about 10% fewer messages/s.  M_MMAP_THRESHOLD 64K and
	 * M_TRIM_THRESHOLD 128K lowered the RSS left after the load, not
	 * the peak, and made the daemon slower. */
	mallopt(M_ARENA_MAX, 2);
	while ((ch = getopt(argc, argv, "c:fnp:P:r:u:vV")) != -1) {
		switch (ch) {
		case 'c': o.conf = optarg; break;
		case 'f': o.foreground = 1; break;
		case 'n': o.check = 1; break;
		case 'p': o.socket = optarg; break;
		case 'P': o.pid_file = optarg; break;
		case 'r': o.rules = optarg; break;
		case 'u': o.user = optarg; break;
		case 'v': o.verbose = 1; break;
		case 'V':
			printf("leadmilter %s\n", PACKAGE_VERSION);
			return EX_OK;
		default:
			leadmilter_usage();
		}
	}
	if (optind != argc)
		leadmilter_usage();
	if (o.conf == NULL && access(LEADMILTER_CONF, F_OK) == 0)
		o.conf = LEADMILTER_CONF;
	o.conf = owned[0] = leadmilter_abs(o.conf);
	o.rules = owned[1] = leadmilter_abs(o.rules);
	o.pid_file = owned[2] = leadmilter_abs(o.pid_file);

	/* before any thread exists (GLib may start some), so all inherit it */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	leadmilter_main_thread = pthread_self();

	if ((rc = pthread_create(&watch, NULL, leadmilter_watch, NULL)) != 0)
		log_fatal(EX_OSERR, "pthread_create: %s", strerror(rc));
	lm_err_clear(&err);
	if (engine_global_init(&err) != 0) {
		fprintf(stderr, "leadmilter: %s\n", lm_err_format(&err, msg, sizeof(msg)));
		return EX_UNAVAILABLE;
	}
	if (o.check) {
		rc = leadmilter_check(&o);
		pthread_cancel(watch);
		pthread_join(watch, NULL);
		engine_global_shutdown();
		for (size_t i = 0; i < 3; i++)
			free(owned[i]);
		return rc;
	}
	if ((rc = leadmilter_load(&o, &cfg, &rs, &err)) != EX_OK)
		log_fatal(rc, "%s", lm_err_format(&err, msg, sizeof(msg)));
	/* loading freed much more than it kept (rule analysis, the ISO data's
	 * JSON): give those pages back before serving */
	malloc_trim(0);
	/* from here on SIGTERM waits for the sigwait() loop */
	pthread_cancel(watch);
	pthread_join(watch, NULL);

	log_open("leadmilter", cfg->syslog_facility, cfg->syslog,
		 o.foreground && (o.verbose || !cfg->syslog));
	log_set_verbose(o.verbose);
	if (cfg->user_id[0])
		leadmilter_user(cfg->user_id, &uid, &gid);
	leadmilter_open(cfg, cfg->user_id[0] && geteuid() == 0, uid, gid);
	if (!o.foreground)
		leadmilter_detach();
	/* the file written now is the one removed at exit, reload or not */
	pid_file = lm_xstrdup(cfg->pid_file);
	leadmilter_pidfile(pid_file);
	if (cfg->user_id[0])
		leadmilter_drop(cfg->user_id, uid, gid);

	log_info("leadmilter %s starting: config=%s rules=\"%s\" socket=%s mode=%s%s workers=%u",
		 PACKAGE_VERSION, cfg->path[0] ? cfg->path : "(defaults)", rules_describe(rs),
		 cfg->socket, cfg->mode == CONFIG_MODE_ROUTE ? "route" : "annotate",
		 cfg->dry_run ? " dryrun" : "", config_workers(cfg));
	/* after the privilege drop: the store's files belong to UserID */
	milter_swap(cfg, rs, leadmilter_store(cfg));
	if ((rc = pthread_create(&tid, NULL, leadmilter_run_milter, NULL)) != 0)
		log_fatal(EX_OSERR, "pthread_create: %s", strerror(rc));

	sigdelset(&set, SIGHUP);	/* libmilter's: stop */
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGUSR1) {
			cfg = leadmilter_reload(&o, cfg);
			malloc_trim(0);
			continue;
		}
		if (atomic_load(&leadmilter_smfi_done))
			log_info("libmilter stopped (status %d)", leadmilter_smfi_status);
		else
			log_info("stopping (%s): no new connections, letting messages finish",
				 sig == SIGINT ? "SIGINT" : "SIGTERM");
		smfi_stop();
		break;
	}
	pthread_join(tid, NULL);
	left = milter_drain(LEADMILTER_DRAIN);
	if (pid_file[0] && unlink(pid_file) != 0 && errno != ENOENT)
		log_debug("PidFile %s: %s", pid_file, strerror(errno));
	free(pid_file);
	if (left > 0) {
		/* their threads still use the engine: leave it, just go */
		log_warn("%u message(s) still in flight after %d s: the MTA applies its default action",
			 left, LEADMILTER_DRAIN);
		return EX_TEMPFAIL;
	}
	milter_swap(NULL, NULL, NULL);
	engine_global_shutdown();
	for (size_t i = 0; i < 3; i++)
		free(owned[i]);
	log_info("stopped");
	return leadmilter_smfi_status == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
}
