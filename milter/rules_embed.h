/* rules_embed - the default rules compiled into the binary */
#ifndef RULES_EMBED_H
#define RULES_EMBED_H

#include <stddef.h>

struct rules_embed_file {
	const char *name;	/* path relative to the rules directory */
	const char *data;
	size_t len;
};

extern const struct rules_embed_file rules_embedded[];	/* NULL-terminated */

#endif
