/*
 * hsbuild - compile a Hyperscan literal database in a short-lived child
 *
 * DESCRIPTION  hsbuild_literals() compiles n literals (the arguments of
 *              hs_compile_lit_multi(), block mode) into *db.  With
 *              HSBUILD_CHILD a forked child compiles, serialises the
 *              database into a pipe and exits; the parent deserialises
 *              it.  The parent never runs the compiler: neither its heap
 *              peak (several MB for the built-in rules) nor the pages of
 *              its code count in the daemon's resident size.  When no
 *              child can be made (fork or pipe fails) the database is
 *              compiled in-process; HSBUILD_INPROCESS asks for that.
 *              Both give the same database.
 * THREADS      May be called in a multithreaded process: the child calls
 *              only the compiler, the serialiser (glibc keeps malloc usable
 *              after fork), write() and _exit(); no stdio, no logging.  A
 *              child that does not finish in HSBUILD_TIMEOUT seconds is
 *              killed by SIGALRM and reported as an error.
 * DIAGNOSTICS  0 and *db (free with hs_free_database()), or LM_ESYNTAX
 *              with Hyperscan's message in err->msg (the literals cannot
 *              be compiled), or LM_EINTERNAL (the child died or sent
 *              garbage; err->msg says how).  *db is NULL on error.
 * SEE ALSO     rules.c (rules_prefilter), rspamd's hs_helper
 */
#ifndef HSBUILD_H
#define HSBUILD_H

#include <stddef.h>

#include "lm.h"

#define HSBUILD_TIMEOUT	600	/* seconds a compiling child may take */

enum hsbuild_how {
	HSBUILD_CHILD,		/* compile in a child, in-process if none */
	HSBUILD_INPROCESS	/* compile here */
};

struct hs_database;

int hsbuild_literals(const char *const *expr, const unsigned *flags,
		     const unsigned *ids, const size_t *lens, unsigned n,
		     enum hsbuild_how how, struct hs_database **db,
		     struct lm_err *err);

#endif
