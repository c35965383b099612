/*
 * norm - field normalisers: country, employees, money, names
 *
 * DESCRIPTION  See norm.h for the contract.  norm_init() reads Debian's
 *              iso-codes once: iso_3166-1.json (names, official and common
 *              names, alpha-2 and alpha-3 codes), iso_3166-2.json (only the
 *              US and Canadian subdivisions), iso_4217.json (currency codes)
 *              and the German and French gettext catalogues iso_3166-1.mo
 *              and iso_3166-2.mo, which map each English name to its
 *              translation.  Everything is folded (lower case, accents
 *              stripped, punctuation removed, white space folded) into two
 *              open-addressing hash tables, so a lookup is one fold into a
 *              stack buffer and one probe sequence: no allocation.
 *              The only names typed in here are the conventional aliases
 *              that iso-codes lacks (norm_country_alias[] and
 *              norm_subdiv_alias[]) and the currency symbols and words.
 * LIMITS       Whole-text matching only: "Berlin, Germany" is not a
 *              country; the extractor captures the value.  The fold covers
 *              Latin-1 Supplement and Latin Extended-A (plus combining
 *              marks and a few Latin Extended-B letters); other scripts are
 *              compared byte for byte.  Money keeps the amount as written:
 *              "£2,000 a month" is 2000 GBP, the period is not converted.
 * DIAGNOSTICS  Lookups return 0 or LM_ENOTFOUND.  norm_init() returns
 *              LM_EIO (file missing or unreadable), LM_ESYNTAX (malformed
 *              JSON or catalogue), LM_ELIMIT (file unreasonably large),
 *              with err naming the file; nothing is loaded on failure.
 * THREADS      norm_init() and norm_shutdown() from one thread while no
 *              lookup runs; after that all lookups are read-only.
 * SEE ALSO     extract(3), verdict(3), iso-codes(7) /usr/share/iso-codes
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "norm.h"

#define NORM_KEY_MAX	160		/* longest folded key; names are < 64 */
#define NORM_FILE_MAX	(64L * 1024 * 1024)	/* iso_3166-2.json is ~0.5 MB */
#define NORM_PATH_MAX	4096
#define NORM_EMP_MAX	10000000L	/* no company has more staff */
#define NORM_MONEY_MAX	1e12		/* no inquiry has a bigger budget */
#define NORM_DIGITS_MAX	15		/* exact in a double */
#define NORM_GROUPS_MAX	8

/* Where a key came from; the first source to claim a key keeps it. */
enum {
	NORM_SRC_NAME = 1,	/* English name from the JSON: .mo msgids */
	NORM_SRC_ALIAS,		/* norm_country_alias[] / norm_subdiv_alias[] */
	NORM_SRC_TRANS		/* German or French translation */
};

/* One hash table slot; the key bytes live in the table's pool. */
struct norm_slot {
	uint32_t hash;
	uint32_t off;		/* key offset in pool */
	uint16_t len;		/* key length; 0: free slot */
	char cc[2];		/* ISO 3166-1 alpha-2 */
	unsigned char src;	/* NORM_SRC_* */
};

/* Folded key -> alpha-2, open addressing with linear probing. */
struct norm_map {
	struct norm_slot *slot;
	size_t mask;		/* slots - 1, a power of two minus one */
	size_t count;
	struct buf pool;
};

/* Everything norm_init() loads. */
struct norm_data {
	struct norm_map country;	/* names and aliases */
	struct norm_map subdiv;		/* US and CA subdivision names */
	unsigned char alpha2[26 * 26];	/* 1: assigned alpha-2 code */
	uint16_t alpha3[26 * 26 * 26];	/* alpha-2 index + 1, or 0 */
	unsigned char subcode[26 * 26];	/* 0, or 'U' (US) / 'C' (CA) */
	unsigned char currency[(26 * 26 * 26 + 7) / 8];	/* ISO 4217 bits */
};

/* A parsed gettext catalogue; every offset was checked at open. */
struct norm_mo {
	struct buf file;
	int swap;		/* file byte order differs from ours */
	uint32_t n;		/* number of strings */
	uint32_t otab;		/* offset of the original string table */
	uint32_t ttab;		/* offset of the translation table */
};

/* A read position in the text being normalised. */
struct norm_cursor {
	const unsigned char *p;
	const unsigned char *end;
};

static struct norm_data *norm_db;

/*
 * Conventional names that iso-codes does not carry.  Keys are folded as
 * the JSON names are, so "U.K." and "uk" are one entry.  "Deutschland",
 * "Allemagne", "Royaume-Uni" and the like come from the catalogues.
 */
static const struct {
	const char *name;
	const char *cc;
} norm_country_alias[] = {
	{ "UK", "GB" }, { "U.K.", "GB" }, { "Great Britain", "GB" },
	{ "Britain", "GB" }, { "England", "GB" }, { "Scotland", "GB" },
	{ "Wales", "GB" }, { "Northern Ireland", "GB" },
	{ "USA", "US" }, { "U.S.", "US" }, { "U.S.A.", "US" },
	{ "America", "US" }, { "United States of America", "US" },
	{ "Holland", "NL" }, { "The Netherlands", "NL" },
	/* former or short names in common use */
	{ "Russia", "RU" }, { "Turkey", "TR" }, { "Ivory Coast", "CI" },
	{ "Vatican", "VA" }, { "Vatican City", "VA" }, { "UAE", "AE" },
	{ "Burma", "MM" }, { "Swaziland", "SZ" }, { "Cape Verde", "CV" },
	{ "Macedonia", "MK" }, { "Brunei", "BN" }, { "Palestine", "PS" },
};

/* Subdivision spellings that iso_3166-2 lacks. */
static const struct {
	const char *name;
	const char *cc;
} norm_subdiv_alias[] = {
	{ "Washington, D.C.", "US" }, { "D.C.", "US" },
	{ "Newfoundland", "CA" }, { "PEI", "CA" },
};

/*
 * ASCII for U+00C0..U+017F (Latin-1 Supplement letters, Latin Extended-A).
 * Lower-case letters stand for themselves; ' ' is a word break (the
 * multiplication and division signs); capitals expand: A=ae O=oe S=ss
 * T=th I=ij.
 */
static const char norm_latin[] =
	"aaaaaaAceeeeiiii"	/* U+00C0 */
	"dnooooo ouuuuyTS"	/* U+00D0 */
	"aaaaaaAceeeeiiii"	/* U+00E0 */
	"dnooooo ouuuuyTy"	/* U+00F0 */
	"aaaaaaccccccccdd"	/* U+0100 */
	"ddeeeeeeeeeegggg"	/* U+0110 */
	"gggghhhhiiiiiiii"	/* U+0120 */
	"iiIIjjkkklllllll"	/* U+0130 */
	"lllnnnnnnnnnoooo"	/* U+0140 */
	"ooOOrrrrrrssssss"	/* U+0150 */
	"ssttttttuuuuuuuu"	/* U+0160 */
	"uuuuwwyyyzzzzzzs";	/* U+0170 */
_Static_assert(sizeof(norm_latin) == 0x180 - 0xC0 + 1, "norm_latin size");

/* norm_utf8_next - decode one code point; invalid bytes come back as -1 */
static size_t
norm_utf8_next(const unsigned char *p, const unsigned char *end, long *cp)
{
	size_t need, i;
	long c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		need = 1;
		c = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		need = 2;
		c = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		need = 3;
		c = p[0] & 0x07;
	} else {
		goto bad;
	}
	if ((size_t)(end - p) <= need)
		goto bad;
	for (i = 1; i <= need; i++) {
		if ((p[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (p[i] & 0x3F);
	}
	/* overlong forms, surrogates and values past U+10FFFF */
	if ((need == 2 && c < 0x800) || (need == 3 && c < 0x10000)
	    || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		goto bad;
	*cp = c;
	return need + 1;
bad:
	*cp = -1;
	return 1;
}

/* norm_space_len - length of the white-space character at p, or 0 */
static size_t
norm_space_len(const unsigned char *p, const unsigned char *end)
{
	long cp;
	size_t k;

	if (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		return 1;
	if (*p < 0x80)
		return 0;
	k = norm_utf8_next(p, end, &cp);
	switch (cp) {
	case 0x00A0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return k;
	default:
		return cp >= 0x2000 && cp <= 0x200A ? k : 0;
	}
}

/* norm_fold - fold text into a lookup key; SIZE_MAX if it does not fit */
static size_t
norm_fold(const char *s, size_t n, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;
	const char *rep;
	char one[2];
	size_t o = 0, k, rlen;
	int brk = 0;
	long cp;

	one[1] = '\0';
	while (p < end) {
		k = norm_utf8_next(p, end, &cp);
		rep = NULL;		/* NULL: word break */
		if (cp >= 0 && cp < 0x80) {
			if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
				one[0] = (char)cp;
				rep = one;
			} else if (cp >= 'A' && cp <= 'Z') {
				one[0] = (char)(cp - 'A' + 'a');
				rep = one;
			} else if (cp == '.' || cp == '\'' || cp == '`') {
				rep = "";	/* U.S.A., d'Ivoire */
			}
		} else if (cp >= 0xC0 && cp <= 0x17F) {
			switch (norm_latin[cp - 0xC0]) {
			case ' ': rep = NULL; break;
			case 'A': rep = "ae"; break;
			case 'O': rep = "oe"; break;
			case 'S': rep = "ss"; break;
			case 'T': rep = "th"; break;
			case 'I': rep = "ij"; break;
			default:
				one[0] = norm_latin[cp - 0xC0];
				rep = one;
				break;
			}
		} else if (cp >= 0x300 && cp <= 0x36F) {
			rep = "";	/* combining marks of decomposed text */
		} else {
			switch (cp) {
			case 0x00B4: case 0x02BB: case 0x02BC: case 0x2018:
			case 0x2019: case 0x200B: case 0xFEFF:
				rep = "";	/* apostrophes, invisible */
				break;
			case 0x0218: case 0x0219: rep = "s"; break;
			case 0x021A: case 0x021B: rep = "t"; break;
			case 0x01A0: case 0x01A1: rep = "o"; break;
			case 0x01AF: case 0x01B0: rep = "u"; break;
			case 0x1E9E: rep = "ss"; break;
			default:
				/* other scripts and bad bytes compare as they are */
				if (cp < 0 || (cp > 0xBF && (cp < 0x2000
				    || cp > 0x206F) && cp != 0x3000)) {
					rep = (const char *)p;
					rlen = k;
					goto emit;
				}
				break;	/* C1, Latin-1 and general punctuation */
			}
		}
		if (rep == NULL) {
			brk = 1;
			p += k;
			continue;
		}
		rlen = strlen(rep);
		if (rlen == 0) {
			p += k;
			continue;
		}
emit:
		if (brk && o > 0) {
			if (o + 1 >= outsz)
				return SIZE_MAX;
			out[o++] = ' ';
		}
		brk = 0;
		if (o + rlen >= outsz)
			return SIZE_MAX;
		memcpy(out + o, rep, rlen);
		o += rlen;
		p += k;
	}
	out[o] = '\0';
	return o;
}

/* norm_hash - FNV-1a over a key */
static uint32_t
norm_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 16777619u;
	}
	return h;
}

/* norm_map_get - the slot for a folded key, or NULL */
static const struct norm_slot *
norm_map_get(const struct norm_map *m, const char *key, size_t len)
{
	uint32_t h;
	size_t i;

	if (m->slot == NULL || len == 0)
		return NULL;
	h = norm_hash(key, len);
	for (i = h & m->mask; m->slot[i].len != 0; i = (i + 1) & m->mask) {
		const struct norm_slot *sl = &m->slot[i];

		if (sl->hash == h && sl->len == len
		    && memcmp(m->pool.data + sl->off, key, len) == 0)
			return sl;
	}
	return NULL;
}

/* norm_map_grow - double the slots (or make the first 512) and rehash */
static void
norm_map_grow(struct norm_map *m)
{
	size_t nslots = m->slot ? (m->mask + 1) * 2 : 512;
	struct norm_slot *old = m->slot;
	size_t oldn = m->slot ? m->mask + 1 : 0;
	size_t i, j;

	m->slot = lm_xcalloc(nslots, sizeof(*m->slot));
	m->mask = nslots - 1;
	for (i = 0; i < oldn; i++) {
		if (old[i].len == 0)
			continue;
		for (j = old[i].hash & m->mask; m->slot[j].len != 0;
		     j = (j + 1) & m->mask)
			;
		m->slot[j] = old[i];
	}
	free(old);
}

/*
 * norm_map_put - add a folded key.  An existing key keeps its country:
 * English names go in first, so a translation that happens to spell
 * another country's name cannot take it over (iso-codes 4.15 has none).
 */
static void
norm_map_put(struct norm_map *m, const char *key, size_t len,
	     const char *cc, int src)
{
	struct norm_slot *sl;
	uint32_t h;
	size_t i;

	if (len == 0 || len > NORM_KEY_MAX || norm_map_get(m, key, len) != NULL)
		return;
	/* at most half full, so probe runs stay short */
	if (m->slot == NULL || (m->count + 1) * 2 > m->mask + 1)
		norm_map_grow(m);
	h = norm_hash(key, len);
	for (i = h & m->mask; m->slot[i].len != 0; i = (i + 1) & m->mask)
		;
	sl = &m->slot[i];
	sl->hash = h;
	sl->off = (uint32_t)m->pool.len;
	sl->len = (uint16_t)len;
	memcpy(sl->cc, cc, 2);
	sl->src = (unsigned char)src;
	buf_append(&m->pool, key, len);
	m->count++;
}

/* norm_map_add - fold a name and add it */
static void
norm_map_add(struct norm_map *m, const char *name, size_t n,
	     const char *cc, int src)
{
	char key[NORM_KEY_MAX + 1];
	size_t len;

	if ((len = norm_fold(name, n, key, sizeof(key))) != SIZE_MAX)
		norm_map_put(m, key, len, cc, src);
}

/* norm_map_free - release a table */
static void
norm_map_free(struct norm_map *m)
{
	free(m->slot);
	buf_free(&m->pool);
	memset(m, 0, sizeof(*m));
}

/* norm_data_free - release everything norm_init() built */
static void
norm_data_free(struct norm_data *db)
{
	if (db == NULL)
		return;
	norm_map_free(&db->country);
	norm_map_free(&db->subdiv);
	free(db);
}

/* norm_code2 - index of a two-capital-letter code, or -1 */
static int
norm_code2(const char *p)
{
	if (p[0] < 'A' || p[0] > 'Z' || p[1] < 'A' || p[1] > 'Z')
		return -1;
	return (p[0] - 'A') * 26 + (p[1] - 'A');
}

/* norm_code3 - index of a three-capital-letter code, or -1 */
static int
norm_code3(const char *p)
{
	int i2 = norm_code2(p);

	if (i2 < 0 || p[2] < 'A' || p[2] > 'Z')
		return -1;
	return i2 * 26 + (p[2] - 'A');
}

/* norm_file_read - read a whole data file into out */
static int
norm_file_read(const char *path, struct buf *out, struct lm_err *err)
{
	char chunk[16384];
	FILE *fp;
	size_t k;
	int rc = LM_EIO;

	buf_init(out);
	if ((fp = fopen(path, "rb")) == NULL) {
		lm_err_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
		return LM_EIO;
	}
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (out->len + k > (size_t)NORM_FILE_MAX) {
			lm_err_set(err, path, 0, 0, "file larger than %ld bytes",
				   NORM_FILE_MAX);
			rc = LM_ELIMIT;
			goto out;
		}
		buf_append(out, chunk, k);
	}
	if (ferror(fp)) {
		lm_err_set(err, path, 0, 0, "read error: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	fclose(fp);
	if (rc != 0)
		buf_free(out);
	return rc;
}

/* norm_path - dir/name into path; LM_ELIMIT if it does not fit */
static int
norm_path(char *path, size_t size, const char *dir, const char *name,
	  struct lm_err *err)
{
	int k = snprintf(path, size, "%s/%s", dir, name);

	if (k < 0 || (size_t)k >= size) {
		lm_err_set(err, dir, 0, 0, "path too long for %s", name);
		return LM_ELIMIT;
	}
	return 0;
}

/* norm_json_load - parse a JSON file and return its top-level array */
static int
norm_json_load(const char *path, const char *member, json_t **root,
	       json_t **arr, struct lm_err *err)
{
	struct buf file;
	json_error_t jerr;
	int rc;

	*root = *arr = NULL;
	if ((rc = norm_file_read(path, &file, err)) != 0)
		return rc;
	*root = json_loadb(file.data ? file.data : "", file.len, 0, &jerr);
	buf_free(&file);
	if (*root == NULL) {
		lm_err_set(err, path, jerr.line > 0 ? (unsigned)jerr.line : 0,
			   jerr.column > 0 ? (unsigned)jerr.column : 0,
			   "%s", jerr.text);
		return LM_ESYNTAX;
	}
	*arr = json_object_get(*root, member);
	if (!json_is_array(*arr)) {
		lm_err_set(err, path, 0, 0, "no \"%s\" array at the top level",
			   member);
		json_decref(*root);
		*root = *arr = NULL;
		return LM_ESYNTAX;
	}
	return 0;
}

/* norm_json_str - a string member of an object, or NULL */
static const char *
norm_json_str(json_t *obj, const char *key, size_t *len)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return NULL;
	*len = json_string_length(v);
	return json_string_value(v);
}

/* norm_load_3166_1 - countries: names, alpha-2, alpha-3 */
static int
norm_load_3166_1(struct norm_data *db, const char *dir, struct lm_err *err)
{
	static const char *const names[] = { "name", "official_name",
					     "common_name" };
	char path[NORM_PATH_MAX];
	json_t *root = NULL, *arr, *e;
	const char *a2, *a3, *s;
	size_t i, j, len;
	int rc, k;

	if ((rc = norm_path(path, sizeof(path), dir, "iso_3166-1.json", err)) != 0)
		return rc;
	if ((rc = norm_json_load(path, "3166-1", &root, &arr, err)) != 0)
		return rc;
	json_array_foreach(arr, i, e) {
		a2 = norm_json_str(e, "alpha_2", &len);
		if (a2 == NULL || len != 2 || norm_code2(a2) < 0) {
			lm_err_set(err, path, 0, 0, "entry %zu: alpha_2 missing"
				   " or not two capital letters", i + 1);
			rc = LM_ESYNTAX;
			goto out;
		}
		db->alpha2[norm_code2(a2)] = 1;
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if ((s = norm_json_str(e, names[j], &len)) != NULL)
				norm_map_add(&db->country, s, len, a2,
					     NORM_SRC_NAME);
		a3 = norm_json_str(e, "alpha_3", &len);
		if (a3 != NULL && len == 3 && (k = norm_code3(a3)) >= 0)
			db->alpha3[k] = (uint16_t)(norm_code2(a2) + 1);
	}
	if (db->country.count == 0) {
		lm_err_set(err, path, 0, 0, "no countries");
		rc = LM_ESYNTAX;
	}
out:
	json_decref(root);
	return rc;
}

/* norm_load_3166_2 - subdivisions of the US and Canada */
static int
norm_load_3166_2(struct norm_data *db, const char *dir, struct lm_err *err)
{
	char path[NORM_PATH_MAX];
	json_t *root = NULL, *arr, *e;
	const char *code, *name;
	size_t i, clen = 0, nlen = 0;
	int rc, k;

	if ((rc = norm_path(path, sizeof(path), dir, "iso_3166-2.json", err)) != 0)
		return rc;
	if ((rc = norm_json_load(path, "3166-2", &root, &arr, err)) != 0)
		return rc;
	json_array_foreach(arr, i, e) {
		code = norm_json_str(e, "code", &clen);
		name = norm_json_str(e, "name", &nlen);
		if (code == NULL || name == NULL) {
			lm_err_set(err, path, 0, 0, "entry %zu: code or name"
				   " missing", i + 1);
			rc = LM_ESYNTAX;
			goto out;
		}
		/* "US-CA", "CA-ON": two letters after the country */
		if (clen != 5 || code[2] != '-' || (k = norm_code2(code + 3)) < 0)
			continue;
		if (memcmp(code, "US", 2) != 0 && memcmp(code, "CA", 2) != 0)
			continue;
		db->subcode[k] = (unsigned char)code[0];
		norm_map_add(&db->subdiv, name, nlen, code, NORM_SRC_NAME);
	}
	if (db->subdiv.count == 0) {
		lm_err_set(err, path, 0, 0, "no US or CA subdivisions");
		rc = LM_ESYNTAX;
	}
out:
	json_decref(root);
	return rc;
}

/* norm_load_4217 - the set of ISO 4217 currency codes */
static int
norm_load_4217(struct norm_data *db, const char *dir, struct lm_err *err)
{
	char path[NORM_PATH_MAX];
	json_t *root = NULL, *arr, *e;
	const char *a3;
	size_t i, len, count = 0;
	int rc, k;

	if ((rc = norm_path(path, sizeof(path), dir, "iso_4217.json", err)) != 0)
		return rc;
	if ((rc = norm_json_load(path, "4217", &root, &arr, err)) != 0)
		return rc;
	json_array_foreach(arr, i, e) {
		a3 = norm_json_str(e, "alpha_3", &len);
		if (a3 == NULL || len != 3 || (k = norm_code3(a3)) < 0) {
			lm_err_set(err, path, 0, 0, "entry %zu: alpha_3 missing"
				   " or not three capital letters", i + 1);
			rc = LM_ESYNTAX;
			goto out;
		}
		db->currency[k / 8] |= (unsigned char)(1u << (k % 8));
		count++;
	}
	if (count == 0) {
		lm_err_set(err, path, 0, 0, "no currencies");
		rc = LM_ESYNTAX;
	}
out:
	json_decref(root);
	return rc;
}

/* norm_mo_u32 - a 32-bit word of the catalogue in its byte order */
static uint32_t
norm_mo_u32(const struct norm_mo *mo, size_t off)
{
	const unsigned char *p = (const unsigned char *)mo->file.data + off;

	if (mo->swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16
		    | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16
	    | (uint32_t)p[1] << 8 | p[0];
}

/* norm_mo_check_table - every string of one table lies inside the file */
static int
norm_mo_check_table(const struct norm_mo *mo, uint32_t tab, const char *what,
		    const char *path, struct lm_err *err)
{
	uint64_t size = mo->file.len, len, off;
	uint32_t i;

	if ((uint64_t)tab + (uint64_t)mo->n * 8 > size) {
		lm_err_set(err, path, 0, 0, "%s table at %lu with %lu entries"
			   " runs past the end of the file (%lu bytes)", what,
			   (unsigned long)tab, (unsigned long)mo->n,
			   (unsigned long)size);
		return LM_ESYNTAX;
	}
	for (i = 0; i < mo->n; i++) {
		len = norm_mo_u32(mo, (size_t)tab + (size_t)i * 8);
		off = norm_mo_u32(mo, (size_t)tab + (size_t)i * 8 + 4);
		/* the format promises a NUL after each string */
		if (off + len + 1 > size) {
			lm_err_set(err, path, 0, 0, "%s string %lu at %lu+%lu"
				   " runs past the end of the file (%lu bytes)",
				   what, (unsigned long)i, (unsigned long)off,
				   (unsigned long)len, (unsigned long)size);
			return LM_ESYNTAX;
		}
	}
	return 0;
}

/* norm_mo_open - read a gettext .mo catalogue and check its bounds */
static int
norm_mo_open(struct norm_mo *mo, const char *path, struct lm_err *err)
{
	uint32_t magic;
	int rc;

	memset(mo, 0, sizeof(*mo));
	if ((rc = norm_file_read(path, &mo->file, err)) != 0)
		return rc;
	rc = LM_ESYNTAX;
	if (mo->file.len < 28) {
		lm_err_set(err, path, 0, 0, "truncated catalogue header"
			   " (%zu bytes)", mo->file.len);
		goto out;
	}
	magic = norm_mo_u32(mo, 0);
	if (magic != 0x950412deu) {
		mo->swap = 1;
		if ((magic = norm_mo_u32(mo, 0)) != 0x950412deu) {
			lm_err_set(err, path, 0, 0, "bad magic 0x%08lx: not a"
				   " gettext catalogue", (unsigned long)magic);
			goto out;
		}
	}
	/* major revision 0 and 1 share the tables we read */
	if (norm_mo_u32(mo, 4) >> 16 > 1) {
		lm_err_set(err, path, 0, 0, "unsupported catalogue revision"
			   " 0x%08lx", (unsigned long)norm_mo_u32(mo, 4));
		goto out;
	}
	mo->n = norm_mo_u32(mo, 8);
	mo->otab = norm_mo_u32(mo, 12);
	mo->ttab = norm_mo_u32(mo, 16);
	if ((rc = norm_mo_check_table(mo, mo->otab, "original", path, err)) != 0
	    || (rc = norm_mo_check_table(mo, mo->ttab, "translation", path,
					 err)) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		buf_free(&mo->file);
	return rc;
}

/* norm_mo_string - string i of a checked table, up to its first NUL */
static const char *
norm_mo_string(const struct norm_mo *mo, uint32_t tab, uint32_t i,
	       size_t *len)
{
	size_t l = norm_mo_u32(mo, (size_t)tab + (size_t)i * 8);
	size_t off = norm_mo_u32(mo, (size_t)tab + (size_t)i * 8 + 4);
	const char *s = mo->file.data + off;
	const char *nul = memchr(s, '\0', l);

	/* plural forms: "singular\0plural"; we want the singular */
	*len = nul ? (size_t)(nul - s) : l;
	return s;
}

/* norm_load_mo - add the translations of names already in map */
static int
norm_load_mo(struct norm_map *map, const char *localedir, const char *lang,
	     const char *domain, struct lm_err *err)
{
	char path[NORM_PATH_MAX], key[NORM_KEY_MAX + 1], cc[2];
	const struct norm_slot *sl;
	const char *orig, *trans, *ctx;
	struct norm_mo mo;
	size_t olen, tlen, klen;
	uint32_t i;
	int k, rc;

	k = snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/%s.mo", localedir,
		     lang, domain);
	if (k < 0 || (size_t)k >= sizeof(path)) {
		lm_err_set(err, localedir, 0, 0, "path too long for %s", domain);
		return LM_ELIMIT;
	}
	if ((rc = norm_mo_open(&mo, path, err)) != 0)
		return rc;
	for (i = 0; i < mo.n; i++) {
		orig = norm_mo_string(&mo, mo.otab, i, &olen);
		trans = norm_mo_string(&mo, mo.ttab, i, &tlen);
		/* msgctxt is "context\004msgid" */
		if ((ctx = memchr(orig, '\004', olen)) != NULL) {
			olen -= (size_t)(ctx + 1 - orig);
			orig = ctx + 1;
		}
		if (olen == 0 || tlen == 0)
			continue;	/* the header entry, untranslated */
		if ((klen = norm_fold(orig, olen, key, sizeof(key))) == SIZE_MAX)
			continue;
		sl = norm_map_get(map, key, klen);
		if (sl == NULL || sl->src != NORM_SRC_NAME)
			continue;
		memcpy(cc, sl->cc, 2);	/* the put below may move sl */
		norm_map_add(map, trans, tlen, cc, NORM_SRC_TRANS);
	}
	buf_free(&mo.file);
	return 0;
}

/* norm_load - build a new data set from the given directories */
static int
norm_load(struct norm_data *db, const char *jsondir, const char *localedir,
	  struct lm_err *err)
{
	static const char *const langs[] = { "de", "fr" };
	size_t i;
	int rc;

	if ((rc = norm_load_3166_1(db, jsondir, err)) != 0
	    || (rc = norm_load_3166_2(db, jsondir, err)) != 0
	    || (rc = norm_load_4217(db, jsondir, err)) != 0)
		return rc;
	for (i = 0; i < sizeof(norm_country_alias) / sizeof(norm_country_alias[0]); i++)
		norm_map_add(&db->country, norm_country_alias[i].name,
			     strlen(norm_country_alias[i].name),
			     norm_country_alias[i].cc, NORM_SRC_ALIAS);
	for (i = 0; i < sizeof(norm_subdiv_alias) / sizeof(norm_subdiv_alias[0]); i++)
		norm_map_add(&db->subdiv, norm_subdiv_alias[i].name,
			     strlen(norm_subdiv_alias[i].name),
			     norm_subdiv_alias[i].cc, NORM_SRC_ALIAS);
	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		if ((rc = norm_load_mo(&db->country, localedir, langs[i],
				       "iso_3166-1", err)) != 0
		    || (rc = norm_load_mo(&db->subdiv, localedir, langs[i],
					  "iso_3166-2", err)) != 0)
			return rc;
	}
	return 0;
}

/* norm_init_dirs - load iso-codes from the given directories, once */
int
norm_init_dirs(const char *jsondir, const char *localedir, struct lm_err *err)
{
	struct norm_data *db;
	int rc;

	if (norm_db != NULL)
		return 0;
	db = lm_xcalloc(1, sizeof(*db));
	if ((rc = norm_load(db, jsondir, localedir, err)) != 0) {
		norm_data_free(db);
		return rc;
	}
	norm_db = db;
	return 0;
}

/* norm_init - load iso-codes from the configured directories, once */
int
norm_init(struct lm_err *err)
{
	return norm_init_dirs(ISO_CODES_DIR, ISO_CODES_LOCALEDIR, err);
}

/* norm_shutdown - free everything norm_init() loaded */
void
norm_shutdown(void)
{
	norm_data_free(norm_db);
	norm_db = NULL;
}

/* norm_trim - drop surrounding white space and trailing punctuation */
static void
norm_trim(const char **s, size_t *n)
{
	const unsigned char *p = (const unsigned char *)*s;
	const unsigned char *end = p + *n;
	size_t k;

	while (p < end && (k = norm_space_len(p, end)) > 0)
		p += k;
	while (end > p) {
		if (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r')
		    || (end[-1] != '\0' && strchr(".,;:!?", end[-1]) != NULL))
			end--;
		else if (end - p >= 2 && end[-2] == 0xC2 && end[-1] == 0xA0)
			end -= 2;	/* U+00A0 */
		else
			break;
	}
	*s = (const char *)p;
	*n = (size_t)(end - p);
}

/* norm_lookup - fold and look up; retry without a leading "the" */
static const struct norm_slot *
norm_lookup(const struct norm_map *m, const char *s, size_t n)
{
	char key[NORM_KEY_MAX + 1];
	const struct norm_slot *sl;
	size_t len;

	/* a name never needs more than 4 bytes per folded byte */
	if (n > 4 * NORM_KEY_MAX)
		return NULL;
	if ((len = norm_fold(s, n, key, sizeof(key))) == SIZE_MAX)
		return NULL;
	if ((sl = norm_map_get(m, key, len)) != NULL)
		return sl;
	if (len > 4 && memcmp(key, "the ", 4) == 0)
		return norm_map_get(m, key + 4, len - 4);
	return NULL;
}

/* norm_country - country name or code -> ISO 3166-1 alpha-2 */
int
norm_country(const char *s, size_t n, char cc[3])
{
	const struct norm_slot *sl;
	int k;

	cc[0] = '\0';
	if (norm_db == NULL || s == NULL)
		return LM_ENOTFOUND;
	norm_trim(&s, &n);
	/* codes in capitals only: "de", "it", "and", "can" are words */
	if (n == 2 && (k = norm_code2(s)) >= 0 && norm_db->alpha2[k]) {
		memcpy(cc, s, 2);
		cc[2] = '\0';
		return 0;
	}
	if (n == 3 && (k = norm_code3(s)) >= 0 && norm_db->alpha3[k]) {
		cc[0] = (char)('A' + (norm_db->alpha3[k] - 1) / 26);
		cc[1] = (char)('A' + (norm_db->alpha3[k] - 1) % 26);
		cc[2] = '\0';
		return 0;
	}
	if ((sl = norm_lookup(&norm_db->country, s, n)) == NULL)
		return LM_ENOTFOUND;
	memcpy(cc, sl->cc, 2);
	cc[2] = '\0';
	return 0;
}

/* norm_subdivision - US state or Canadian province -> "US" or "CA" */
int
norm_subdivision(const char *s, size_t n, char cc[3])
{
	const struct norm_slot *sl;
	int k;

	cc[0] = '\0';
	if (norm_db == NULL || s == NULL)
		return LM_ENOTFOUND;
	norm_trim(&s, &n);
	/* "US-CA": the ISO 3166-2 form names the country itself */
	if (n == 5 && s[2] == '-' && (memcmp(s, "US", 2) == 0
	    || memcmp(s, "CA", 2) == 0)) {
		if ((k = norm_code2(s + 3)) < 0 || norm_db->subcode[k] != s[0])
			return LM_ENOTFOUND;
		memcpy(cc, s, 2);
		cc[2] = '\0';
		return 0;
	}
	/* codes only in capitals: "in", "or", "me" are words */
	if (n == 2 && (k = norm_code2(s)) >= 0) {
		if (norm_db->subcode[k] == 0)
			return LM_ENOTFOUND;
		memcpy(cc, norm_db->subcode[k] == 'U' ? "US" : "CA", 3);
		return 0;
	}
	if ((sl = norm_lookup(&norm_db->subdiv, s, n)) == NULL)
		return LM_ENOTFOUND;
	memcpy(cc, sl->cc, 2);
	cc[2] = '\0';
	return 0;
}

/* norm_cur_space - skip white space; 1 if any was skipped */
static int
norm_cur_space(struct norm_cursor *c)
{
	const unsigned char *start = c->p;
	size_t k;

	while (c->p < c->end && (k = norm_space_len(c->p, c->end)) > 0)
		c->p += k;
	return c->p != start;
}

/* norm_is_alpha - an ASCII letter */
static int
norm_is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* norm_is_digit - an ASCII digit */
static int
norm_is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* norm_cur_word - match a lower-case word, any case, at a word end */
static int
norm_cur_word(struct norm_cursor *c, const char *w)
{
	size_t len = strlen(w), i;
	unsigned char a, b;

	if ((size_t)(c->end - c->p) < len)
		return 0;
	for (i = 0; i < len; i++) {
		a = c->p[i];
		b = (unsigned char)w[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (a != b)
			return 0;
	}
	/* "k" must not match the start of "kr", "to" not "tons" */
	if (norm_is_alpha((unsigned char)w[len - 1]) && c->p + len < c->end
	    && norm_is_alpha(c->p[len]))
		return 0;
	c->p += len;
	return 1;
}

/* norm_cur_words - match the first word of a NULL-ended list; index or -1 */
static int
norm_cur_words(struct norm_cursor *c, const char *const *words)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (norm_cur_word(c, words[i]))
			return i;
	return -1;
}

/* What an approximate or bounding word does to the number after it. */
enum {
	NORM_QUAL_NONE,
	NORM_QUAL_ABOUT,	/* "about", "~": the number itself */
	NORM_QUAL_OVER,		/* "over", ">": the number itself */
	NORM_QUAL_UNDER,	/* "under", "<": 1 .. the number */
	NORM_QUAL_RANGE		/* "between": a range follows */
};

/* Leading words; longer spellings before their prefixes. */
static const char *const norm_about_words[] = {
	"approximately", "approx.", "approx", "appr.", "about", "around",
	"roughly", "circa", "ca.", "ca", "c.", "~", "\xe2\x89\x88" /* ≈ */,
	"+/-", "\xc2\xb1" /* ± */, "environ", "etwa", "rund", "ungef\xc3\xa4hr",
	"ungefaehr", "gut", "knapp", "nearly", "almost", "some", "est.",
	"estimated", NULL
};
static const char *const norm_over_words[] = {
	"more than", "over", "above", "at least", "min.", "minimum", ">=",
	">", "\xe2\x89\xa5" /* ≥ */, "plus de", "au moins", "mehr als",
	"\xc3\xbc" "ber", "mindestens", NULL
};
static const char *const norm_under_words[] = {
	"less than", "fewer than", "under", "below", "up to", "max.",
	"maximum", "max", "<=", "<", "\xe2\x89\xa4" /* ≤ */, "moins de",
	"jusqu'\xc3\xa0", "weniger als", "unter", "bis zu", NULL
};
static const char *const norm_range_words[] = {
	"between", "from", "zwischen", "von", "entre", "de", NULL
};

/* norm_cur_qualifier - skip leading qualifier words; NORM_QUAL_* */
static int
norm_cur_qualifier(struct norm_cursor *c)
{
	int qual = NORM_QUAL_NONE, i;

	for (i = 0; i < 3; i++) {
		norm_cur_space(c);
		if (c->p >= c->end || norm_is_digit(*c->p))
			break;	/* the common case: no words to try */
		if (norm_cur_words(c, norm_about_words) >= 0) {
			if (qual == NORM_QUAL_NONE)
				qual = NORM_QUAL_ABOUT;
		} else if (norm_cur_words(c, norm_over_words) >= 0) {
			qual = NORM_QUAL_OVER;
		} else if (norm_cur_words(c, norm_under_words) >= 0) {
			qual = NORM_QUAL_UNDER;
		} else if (norm_cur_words(c, norm_range_words) >= 0) {
			qual = NORM_QUAL_RANGE;
		} else {
			break;
		}
	}
	norm_cur_space(c);
	return qual;
}

/* Multipliers after a number: "10k", "1.5m", "2 Mio.", "40 K€". */
static const struct {
	const char *word;
	double mult;
} norm_mult[] = {
	{ "thousand", 1e3 }, { "tsd.", 1e3 }, { "tsd", 1e3 }, { "k", 1e3 },
	{ "millions", 1e6 }, { "million", 1e6 }, { "mio.", 1e6 },
	{ "mio", 1e6 }, { "mn", 1e6 }, { "mm", 1e6 }, { "m", 1e6 },
	{ "billion", 1e9 }, { "bn", 1e9 }, { "mrd.", 1e9 }, { "mrd", 1e9 },
};

/* norm_cur_mult - match a multiplier after a number; 1 if none */
static double
norm_cur_mult(struct norm_cursor *c)
{
	struct norm_cursor save = *c;
	size_t i;

	norm_cur_space(c);
	for (i = 0; i < sizeof(norm_mult) / sizeof(norm_mult[0]); i++)
		if (norm_cur_word(c, norm_mult[i].word))
			return norm_mult[i].mult;
	*c = save;
	return 1;
}

/* One run of digits and the separator before it. */
struct norm_group {
	const unsigned char *p;
	size_t nd;		/* digits */
	int sep;		/* 0 (first), ',', '.', '\'' or ' ' (any space) */
};

/* norm_group_value - append a group's digits to an integer */
static unsigned long long
norm_group_value(unsigned long long v, const struct norm_group *g)
{
	size_t i;

	for (i = 0; i < g->nd; i++)
		v = v * 10 + (unsigned long long)(g->p[i] - '0');
	return v;
}

/*
 * norm_cur_number - "1,500", "1.500", "1 500", "1'500", "1,500.50",
 * "1.500,50", "1.5" and a multiplier -> value.  One separator followed by
 * exactly three digits is a thousands separator ("40.000 EUR"), unless a
 * multiplier follows ("1.500k" is 1.5k).  Space and apostrophe are only
 * ever thousands separators, so "50 200" is 50200 but "50 20" stops at 50.
 */
static int
norm_cur_number(struct norm_cursor *c, double *value, double *mult)
{
	struct norm_group g[NORM_GROUPS_MAX];
	const unsigned char *p = c->p, *q;
	unsigned long long ip = 0, fp = 0;
	size_t ng = 0, i, sl, nd, total = 0, fd = 0, nlast;
	int sep, last, dec = -1, others;
	struct norm_cursor after;

	if (p >= c->end || !norm_is_digit(*p))
		return LM_ENOTFOUND;
	for (;;) {
		q = p;
		for (nd = 0; q < c->end && norm_is_digit(*q); q++)
			nd++;
		g[ng].p = p;
		g[ng].nd = nd;
		total += nd;
		ng++;
		p = q;
		if (ng == NORM_GROUPS_MAX || p >= c->end)
			break;
		if (*p == ',' || *p == '.' || *p == '\'') {
			sep = *p;
			sl = 1;
		} else if ((sl = norm_space_len(p, c->end)) > 0) {
			sep = ' ';
		} else {
			break;
		}
		if (p + sl >= c->end || !norm_is_digit(p[sl]))
			break;
		for (nd = 0, q = p + sl; q < c->end && norm_is_digit(*q); q++)
			nd++;
		/* thousands-only separators need "d{1,3}( ddd)*" */
		if ((sep == ' ' || sep == '\'') && (nd != 3 || g[0].nd > 3))
			break;
		g[ng].sep = sep;
		p += sl;
	}
	g[0].sep = 0;
	if (total > NORM_DIGITS_MAX)
		return LM_ENOTFOUND;

	after = (struct norm_cursor){ p, c->end };
	*mult = norm_cur_mult(&after);

	if (ng > 1 && (g[ng - 1].sep == ',' || g[ng - 1].sep == '.')) {
		last = g[ng - 1].sep;
		for (nlast = 0, i = 1; i < ng; i++)
			nlast += g[i].sep == last;
		others = (int)(ng - 1 - nlast);
		if (nlast == 1 && (others > 0 || g[ng - 1].nd != 3
		    || g[0].nd > 3 || *mult != 1))
			dec = (int)ng - 1;	/* "1,500.50", "1.5", "1.500k" */
		else if (nlast > 1 && others > 0)
			return LM_ENOTFOUND;	/* "1.500,000,000" */
	}
	/* every thousands group has three digits, the first one to three */
	for (i = 1; i < ng; i++)
		if ((int)i != dec && (g[i].nd != 3 || g[0].nd > 3))
			return LM_ENOTFOUND;
	for (i = 0; i < ng; i++) {
		if ((int)i == dec) {
			/* six decimals are plenty for money and staff */
			struct norm_group f = g[i];

			if (f.nd > 6)
				f.nd = 6;
			fp = norm_group_value(0, &f);
			fd = f.nd;
		} else {
			ip = norm_group_value(ip, &g[i]);
		}
	}
	*value = ((double)ip + (double)fp / pow(10, (double)fd)) * *mult;
	c->p = after.p;
	return 0;
}

/* Range separators between two numbers. */
static const char *const norm_range_seps[] = {
	"-", "\xe2\x80\x93" /* – */, "\xe2\x80\x94" /* — */, "\xe2\x80\x90",
	"to", "bis", "\xc3\xa0" /* à */, "and", "und", "et", "~", NULL
};

/*
 * norm_range_low - the low end of a range whose multiplier is written once:
 * "1-5k" is 1000-5000 and "1.5-2m" is 1.5m-2m, but "500-5k" is 500-5000.
 */
static double
norm_range_low(double a, double ma, double b, double mb)
{
	if (ma == 1 && mb != 1 && a < b / mb)
		return a * mb;
	return a;
}

/* norm_cur_rest_ok - no other number (nor, for counts, money) follows */
static int
norm_cur_rest_ok(const struct norm_cursor *c, int count)
{
	const unsigned char *p;

	for (p = c->p; p < c->end; p++) {
		if (norm_is_digit(*p))
			return 0;
		if (!count)
			continue;
		/* "40 000 € HT" and "50%" are not head counts */
		if (*p == '$' || *p == '%'
		    || (p + 1 < c->end && p[0] == 0xC2
			&& (p[1] == 0xA3 || p[1] == 0xA5))
		    || (p + 2 < c->end && p[0] == 0xE2 && p[1] == 0x82
			&& (p[2] == 0xAC || p[2] == 0xB9)))
			return 0;
	}
	return 1;
}

/* norm_employees - "50-200", "about 1,500", "10k", "2,000+" -> lo/hi */
int
norm_employees(const char *s, size_t n, long *lo, long *hi)
{
	struct norm_cursor c, save;
	double a, b = 0, ma, mb;
	int qual, range = 0;

	*lo = *hi = 0;
	if (s == NULL)
		return LM_ENOTFOUND;
	c.p = (const unsigned char *)s;
	c.end = c.p + n;
	qual = norm_cur_qualifier(&c);
	if (norm_cur_number(&c, &a, &ma) != 0)
		return LM_ENOTFOUND;
	save = c;
	norm_cur_space(&c);
	if (c.p < c.end && *c.p == '+') {
		c.p++;		/* "2,000+": at least that many */
	} else if (norm_cur_words(&c, norm_range_seps) >= 0) {
		norm_cur_space(&c);
		if (norm_cur_number(&c, &b, &mb) == 0) {
			range = 1;
			a = norm_range_low(a, ma, b, mb);
			norm_cur_space(&c);
			if (c.p < c.end && *c.p == '+')
				c.p++;
		} else {
			c = save;
		}
	} else {
		c = save;
	}
	if (!norm_cur_rest_ok(&c, 1))
		return LM_ENOTFOUND;
	if (!range)
		b = a;
	if (a != floor(a) || b != floor(b) || a < 1 || b < 1
	    || a > NORM_EMP_MAX || b > NORM_EMP_MAX || a > b)
		return LM_ENOTFOUND;
	*lo = qual == NORM_QUAL_UNDER && !range ? 1 : (long)a;
	*hi = (long)b;
	return 0;
}

/* Currency symbols; "$" alone is USD but yields to a dollar code. */
static const struct {
	const char *sym;
	const char *code;
} norm_currency_sym[] = {
	{ "US$", "USD" }, { "CA$", "CAD" }, { "C$", "CAD" },
	{ "AU$", "AUD" }, { "A$", "AUD" }, { "NZ$", "NZD" },
	{ "$", "USD" }, { "\xc2\xa3", "GBP" } /* £ */,
	{ "\xe2\x82\xac", "EUR" } /* € */, { "\xc2\xa5", "JPY" } /* ¥ */,
	{ "\xe2\x82\xb9", "INR" } /* ₹ */,
};

/* Currency words after the amount, any case. */
static const struct {
	const char *word;
	const char *code;
} norm_currency_word[] = {
	{ "euros", "EUR" }, { "euro", "EUR" }, { "dollars", "USD" },
	{ "dollar", "USD" }, { "pounds", "GBP" }, { "pound", "GBP" },
};

/* norm_cur_currency - a symbol, ISO 4217 code or word; 1 if found */
static int
norm_cur_currency(struct norm_cursor *c, int words, char cur[4], int *generic)
{
	size_t i, len;
	int k;

	for (i = 0; i < sizeof(norm_currency_sym) / sizeof(norm_currency_sym[0]); i++) {
		len = strlen(norm_currency_sym[i].sym);
		if ((size_t)(c->end - c->p) >= len
		    && memcmp(c->p, norm_currency_sym[i].sym, len) == 0) {
			c->p += len;
			memcpy(cur, norm_currency_sym[i].code, 4);
			*generic = len == 1 && *norm_currency_sym[i].sym == '$';
			return 1;
		}
	}
	/* codes in capitals only: "all", "top" and "try" are words */
	if (c->end - c->p >= 3 && norm_db != NULL
	    && (k = norm_code3((const char *)c->p)) >= 0
	    && (norm_db->currency[k / 8] & (1u << (k % 8)))
	    && (c->end - c->p == 3 || !norm_is_alpha(c->p[3]))) {
		memcpy(cur, c->p, 3);
		cur[3] = '\0';
		c->p += 3;
		if (c->p < c->end && *c->p == '$')
			c->p++;	/* "USD$" */
		*generic = 0;
		return 1;
	}
	if (!words)
		return 0;
	for (i = 0; i < sizeof(norm_currency_word) / sizeof(norm_currency_word[0]); i++) {
		if (norm_cur_word(c, norm_currency_word[i].word)) {
			memcpy(cur, norm_currency_word[i].code, 4);
			*generic = 0;
			return 1;
		}
	}
	return 0;
}

/* norm_cur_nocents - skip the ",-" / ".–" that means "no cents" */
static void
norm_cur_nocents(struct norm_cursor *c)
{
	struct norm_cursor d = *c;

	if (d.p >= d.end || (*d.p != ',' && *d.p != '.'))
		return;
	d.p++;
	if (norm_cur_word(&d, "--") || norm_cur_word(&d, "-")
	    || norm_cur_word(&d, "\xe2\x80\x93") || norm_cur_word(&d, "\xe2\x80\x94"))
		*c = d;
}

/* norm_currency_merge - combine two mentions; 0 if they disagree */
static int
norm_currency_merge(char cur[4], int *generic, const char *cur2, int generic2)
{
	if (cur[0] == '\0' || (*generic && !generic2 && cur2[2] == 'D')) {
		/* "$40 CAD": the code says which dollar */
		memcpy(cur, cur2, 4);
		*generic = generic2;
		return 1;
	}
	if (generic2 && *generic == 0 && cur[2] == 'D')
		return 1;
	return strcmp(cur, cur2) == 0;
}

/*
 * norm_money - "$4,800", "40 000 € HT", "EUR 40k" -> amount, currency.
 * A range ("$10k-$25k") gives its lower end.  A bare amount ("1.5m")
 * gives an empty currency; anything after a bare amount is refused, so
 * "3 months" is not a budget.
 */
int
norm_money(const char *s, size_t n, double *amount, char cur[4])
{
	struct norm_cursor c, save;
	char cur2[4];
	double a, b, ma, mb;
	int generic = 0, generic2;

	*amount = 0;
	cur[0] = '\0';
	if (s == NULL)
		return LM_ENOTFOUND;
	c.p = (const unsigned char *)s;
	c.end = c.p + n;
	/* currency first: "CA$500" is not "ca. $500" */
	norm_cur_space(&c);
	if (!norm_cur_currency(&c, 0, cur, &generic)) {
		norm_cur_qualifier(&c);
		norm_cur_currency(&c, 0, cur, &generic);
	}
	norm_cur_qualifier(&c);
	if (norm_cur_number(&c, &a, &ma) != 0)
		goto fail;
	norm_cur_nocents(&c);	/* "25.000,- €", "CHF 500.–" */
	save = c;
	norm_cur_space(&c);
	if (norm_cur_words(&c, norm_range_seps) >= 0) {
		norm_cur_space(&c);
		cur2[0] = '\0';
		if (norm_cur_currency(&c, 0, cur2, &generic2))
			norm_cur_space(&c);
		if (norm_cur_number(&c, &b, &mb) == 0) {
			if (cur2[0] != '\0'
			    && !norm_currency_merge(cur, &generic, cur2, generic2))
				goto fail;
			a = norm_range_low(a, ma, b, mb);
			norm_cur_nocents(&c);
			save = c;
		}
	}
	c = save;
	norm_cur_space(&c);
	if (norm_cur_currency(&c, 1, cur2, &generic2)) {
		if (!norm_currency_merge(cur, &generic, cur2, generic2))
			goto fail;
	} else {
		c = save;
	}
	if (cur[0] == '\0') {
		norm_cur_space(&c);
		if (c.p != c.end)
			goto fail;
	} else if (!norm_cur_rest_ok(&c, 0)) {
		goto fail;
	}
	if (!(a > 0) || a > NORM_MONEY_MAX)
		goto fail;
	*amount = a;
	return 0;
fail:
	cur[0] = '\0';
	return LM_ENOTFOUND;
}

/* norm_bullet_len - length of a list bullet at p (with its space), or 0 */
static size_t
norm_bullet_len(const unsigned char *p, const unsigned char *end)
{
	size_t k, sp;
	long cp;

	k = norm_utf8_next(p, end, &cp);
	switch (cp) {
	case 0x2022: case 0x2023: case 0x2043: case 0x25AA: case 0x25AB:
	case 0x25A0: case 0x25A1: case 0x25CF: case 0x25CB: case 0x25E6:
	case 0x2219: case 0x27A2: case 0x2192: case 0x25B8: case 0x25BA:
		return k;	/* never part of a name */
	case '-': case '*': case '+': case 0x00B7: case 0x2013: case 0x2014:
		/* "- Acme" is a bullet, "-Acme" may not be */
		if (p + k >= end)
			return k;
		sp = norm_space_len(p + k, end);
		return sp > 0 ? k + sp : 0;
	default:
		return 0;
	}
}

/* norm_trail_len - length of trailing junk (" ,;:|-–—") before end */
static size_t
norm_trail_len(const char *s, size_t n)
{
	const unsigned char *e = (const unsigned char *)s + n;

	if (n >= 1 && e[-1] != '\0' && strchr(" ,;:|-", e[-1]) != NULL)
		return 1;
	if (n >= 3 && e[-3] == 0xE2 && e[-2] == 0x80
	    && (e[-1] == 0x93 || e[-1] == 0x94))
		return 3;
	return 0;
}

/* norm_text - trim, fold white space, strip trailing junk -> malloc'd */
char *
norm_text(const char *s, size_t n, size_t maxlen)
{
	const unsigned char *p, *end;
	size_t o = 0, k, stop, cut;
	char *out;
	long cp;
	int pend = 0;

	if (s == NULL)
		n = 0;
	if (maxlen == 0)
		maxlen = SIZE_MAX - 8;
	p = (const unsigned char *)s;
	end = p + n;
	/* output never exceeds input; stop a little past maxlen */
	stop = maxlen < n ? maxlen + 4 : n;
	out = lm_xmalloc(stop + 1);
	for (;;) {
		while (p < end && (k = norm_space_len(p, end)) > 0)
			p += k;
		if (p >= end || (k = norm_bullet_len(p, end)) == 0)
			break;
		p += k;
	}
	while (p < end && o < stop) {
		k = norm_utf8_next(p, end, &cp);
		if (norm_space_len(p, end) > 0 || (cp >= 0 && cp < 0x20)
		    || (cp >= 0x7F && cp <= 0x9F)) {
			pend = 1;	/* control characters never survive */
			p += k;
			continue;
		}
		if (cp == 0x200B || cp == 0xFEFF) {
			p += k;
			continue;
		}
		if (pend && o > 0) {
			out[o++] = ' ';
			if (o >= stop)
				break;
		}
		pend = 0;
		if (k > stop - o)
			k = stop - o;	/* the cut below trims a partial char */
		memcpy(out + o, p, k);
		o += k;
		p += k;
	}
	if (o > maxlen) {
		/* do not split a UTF-8 sequence */
		for (cut = maxlen; cut > 0
		     && ((unsigned char)out[cut] & 0xC0) == 0x80; cut--)
			;
		o = cut;
	}
	while ((k = norm_trail_len(out, o)) > 0)
		o -= k;
	out[o] = '\0';
	return out;
}
