/*
 * hsexec - leadmilter's hsbuild_literals(): the compile runs in
 *          leadmilter-hsc
 *
 * DESCRIPTION  leadmilter links this file ahead of libengine.a, so the
 *              archive's hsbuild.o (the compiler's caller) is never
 *              pulled in, and links Hyperscan's runtime library instead of
 *              libhs: the daemon does not map the compiler (10 MB of
 *              library, of which a scan uses little).  Every compile, at start and at each
 *              reload, runs leadmilter-hsc; how (LEADMILTER_HS_INPROCESS)
 *              cannot ask for anything else here.  A helper that cannot
 *              run is an error like a compiler that crashed: the rules
 *              then run without the prefilter, with a warning.
 * SEE ALSO     hsbuild.h, hsproto.c, hsc.c
 */
#include <limits.h>

#include "hsbuild.h"

#ifdef HAVE_HYPERSCAN

/* hsbuild_literals - see hsbuild.h */
int
hsbuild_literals(const char *const *expr, const unsigned *flags,
		 const unsigned *ids, const size_t *lens, unsigned n,
		 enum hsbuild_how how, struct hs_database **db,
		 struct lm_err *err)
{
	char helper[PATH_MAX];

	(void)how;
	return hsbuild_exec(hsbuild_helper(helper, sizeof(helper)), expr, flags, ids, lens, n,
	    db, err);
}

#endif
