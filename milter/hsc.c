/*
 * leadmilter-hsc - compile a Hyperscan literal database for leadmilter
 *
 * SYNOPSIS     leadmilter-hsc < request > reply
 * DESCRIPTION  leadmilter runs this helper to compile its prefilter, so
 *              that the daemon itself needs only Hyperscan's runtime.  It
 *              reads one request (hsproto.c) from standard input, writes
 *              the serialised database or the compiler's message to
 *              standard output and exits.  Not for use by hand.
 * DIAGNOSTICS  Exit 0 after a reply (a compile error is a reply), 1 if the
 *              request was bad or the reply could not be written.
 *              leadmilter starts it with an alarm of HSBUILD_TIMEOUT
 *              seconds: a compile that hangs dies of SIGALRM.
 * SEE ALSO     hsbuild.h, leadmilter(8)
 */
#include <stdio.h>
#include <unistd.h>

#include "hsbuild.h"

int
main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1 || isatty(0)) {
		fprintf(stderr, "usage: %s < request > reply (run by leadmilter)\n",
		    HSBUILD_HELPER_NAME);
		return 2;
	}
	return hsbuild_serve(0, 1);
}
