/*
 * A receive filter for the pod's SIP sockets, installed in place of the
 * recvfrom() that _pjsua2 imports (see sip_guard.py).
 *
 * pjproject 2.10's SDP parser aborts or crashes the process on some malformed
 * bodies (an assertion after a scanner error, an exception thrown outside any
 * handler, a NULL session used after a failed parse). One such packet from the
 * network would drop every call the pod carries. This filter looks at each
 * datagram that arrives on a registered SIP port; when a message declares an
 * SDP body (application/sdp, alone or as a multipart part) that does not pass
 * a strict RFC 4566 line check, it overwrites the media type of the message's
 * Content-Type with 'x' characters of the same length. pjsip then sees a body
 * it does not understand and answers the INVITE with 415 (or treats a response
 * as carrying no SDP), never calling the SDP parser on it.
 *
 * No Python here: the filter runs on whichever pjsip thread polls the ioqueue,
 * without the GIL. Every other socket (RTP, RTCP) pays one getsockname().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>

typedef ssize_t (*recvfrom_fn)(int, void *, size_t, int, struct sockaddr *, socklen_t *);

static recvfrom_fn real_recvfrom;
#define MAX_PORTS 64
static volatile int guarded_ports[MAX_PORTS];
static volatile int n_guarded;
static volatile long n_neutralised;

void sipguard_init(void *real) { real_recvfrom = (recvfrom_fn)real; }

int sipguard_add_port(int port) {
    for (int i = 0; i < n_guarded; i++)
        if (guarded_ports[i] == port) return 0;
    if (n_guarded >= MAX_PORTS) return -1;
    guarded_ports[n_guarded] = port;
    __sync_synchronize();
    n_guarded++;
    return 0;
}

int sipguard_remove_port(int port) {
    for (int i = 0; i < n_guarded; i++) {
        if (guarded_ports[i] == port) {
            guarded_ports[i] = guarded_ports[n_guarded - 1];
            __sync_synchronize();
            n_guarded--;
            return 0;
        }
    }
    return -1;
}

long sipguard_neutralised(void) { return n_neutralised; }

/* ------------------------------------------------------------------ helpers */
static int is_token_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`{|}~", c) != NULL);
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* next word of a line whose words are separated by exactly one space (RFC 4566):
 * returns its length; 0 at the end of the line; -1 for an empty word (a leading,
 * doubled or trailing space), which pjmedia's scanner does not survive */
static long word(const char **p, const char *end, const char **start) {
    const char *s = *p;
    if (s == end) return 0;
    if (*s == ' ') {
        s++;
        if (s == end) return -1;
    }
    *start = s;
    while (s < end && *s != ' ') s++;
    *p = s;
    return s == *start ? -1 : (long)(s - *start);
}

static int all(const char *s, size_t n, int (*pred)(unsigned char)) {
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (!pred((unsigned char)s[i])) return 0;
    return 1;
}

static int is_addr_char(unsigned char c) { return c > ' ' && c < 0x7f; }

/* one SDP line value, after "x=" */
static int line_ok(char type, const char *v, const char *end) {
    const char *w;
    long n;
    if ((type == 'o' || type == 'c' || type == 't' || type == 'm') && (v == end || *v == ' ')) return 0;
    switch (type) {
    case 'v':
        return end - v == 1 && v[0] == '0';
    case 'o': {            /* username sess-id sess-version nettype addrtype address: six words */
        for (int i = 0; i < 6; i++) {
            n = word(&v, end, &w);
            if (n <= 0 || !all(w, (size_t)n, is_addr_char)) return 0;
        }
        n = word(&v, end, &w);
        return n == 0;
    }
    case 'c': {            /* nettype addrtype address */
        for (int i = 0; i < 3; i++) {
            n = word(&v, end, &w);
            if (n <= 0 || !all(w, (size_t)n, is_addr_char)) return 0;
            if (i < 2 && !all(w, (size_t)n, is_token_char)) return 0;
        }
        n = word(&v, end, &w);
        return n == 0;
    }
    case 't':              /* start stop */
        for (int i = 0; i < 2; i++) {
            n = word(&v, end, &w);
            if (n <= 0 || n > 20 || !all(w, (size_t)n, is_digit)) return 0;
        }
        n = word(&v, end, &w);
        return n == 0;
    case 'm': {            /* media port[/count] proto fmt ... */
        n = word(&v, end, &w);
        if (n <= 0 || !all(w, (size_t)n, is_token_char)) return 0;
        n = word(&v, end, &w);
        if (n <= 0) return 0;
        const char *slash = memchr(w, '/', (size_t)n);
        size_t pn = slash ? (size_t)(slash - w) : (size_t)n;
        size_t cn = slash ? (size_t)n - pn - 1 : 0;
        if (pn == 0 || pn > 5 || !all(w, pn, is_digit)) return 0;
        if (slash && (cn == 0 || cn > 5 || !all(slash + 1, cn, is_digit))) return 0;
        n = word(&v, end, &w);
        if (n <= 0 || !all(w, (size_t)n, is_addr_char)) return 0;
        int fmts = 0;
        while ((n = word(&v, end, &w)) > 0) {
            if (!all(w, (size_t)n, is_token_char)) return 0;     /* pjmedia scans fmts as tokens */
            fmts++;
        }
        return n == 0 && fmts > 0;
    }
    case 'a': {            /* name[:value] */
        const char *colon = memchr(v, ':', (size_t)(end - v));
        size_t nn = colon ? (size_t)(colon - v) : (size_t)(end - v);
        if (!all(v, nn, is_token_char)) return 0;
        return 1;
    }
    case 'b': {            /* bwtype:bandwidth */
        const char *colon = memchr(v, ':', (size_t)(end - v));
        if (!colon || colon == v) return 0;
        if (!all(v, (size_t)(colon - v), is_token_char)) return 0;
        return all(colon + 1, (size_t)(end - colon - 1), is_digit);
    }
    default:               /* s, i, u, e, p, z, k, r and unknown lower-case types: free text */
        return type >= 'a' && type <= 'z';
    }
}

/* 1 when the body is SDP that pjmedia can parse without tripping over it */
static int sdp_ok(const char *s, size_t len) {
    const char *p = s, *end = s + len;
    int first = 1, have_o = 0, have_t = 0;
    if (len == 0) return 1;                     /* no body at all: pjsip handles it */
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) return 0;                     /* every line ends with a newline */
        const char *le = eol;
        if (le > p && le[-1] == '\r') le--;
        if (le == p) {                          /* blank lines only at the very end */
            for (const char *q = p; q < end; q++)
                if (*q != '\r' && *q != '\n') return 0;
            break;
        }
        if (le - p < 2 || p[1] != '=') return 0;    /* "x=" on each line */
        for (const char *q = p + 2; q < le; q++)
            if ((unsigned char)*q < 0x20 && *q != '\t') return 0;
        char type = p[0];
        if (first && type != 'v') return 0;
        first = 0;
        if (!line_ok(type, p + 2, le)) return 0;
        have_o |= type == 'o';
        have_t |= type == 't';
        p = eol + 1;
    }
    return have_o && have_t;
}

/* header value [vs, ve) of a media type: is it type/subtype (case-insensitive)? */
static int media_is(const char *vs, const char *ve, const char *want) {
    while (vs < ve && (*vs == ' ' || *vs == '\t')) vs++;
    size_t n = strlen(want);
    if ((size_t)(ve - vs) < n || strncasecmp(vs, want, n) != 0) return 0;
    vs += n;
    return vs == ve || *vs == ';' || *vs == ' ' || *vs == '\t';
}

struct headers {
    const char *ctype, *ctype_end;      /* Content-Type value */
    long clen;                          /* -1 when absent */
};

/* scan header lines of [s, end); returns the body start or NULL */
static const char *scan_headers(const char *s, const char *end, struct headers *h) {
    const char *p = s;
    h->ctype = h->ctype_end = NULL;
    h->clen = -1;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) return NULL;
        const char *le = eol;
        if (le > p && le[-1] == '\r') le--;
        if (le == p) return eol + 1;            /* blank line: the body follows */
        const char *colon = memchr(p, ':', (size_t)(le - p));
        if (colon) {
            const char *ne = colon;
            while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t')) ne--;
            size_t nl = (size_t)(ne - p);
            const char *v = colon + 1;
            if ((nl == 12 && strncasecmp(p, "Content-Type", 12) == 0) || (nl == 1 && (*p == 'c' || *p == 'C'))) {
                h->ctype = v;
                h->ctype_end = le;
            } else if ((nl == 14 && strncasecmp(p, "Content-Length", 14) == 0) || (nl == 1 && (*p == 'l' || *p == 'L'))) {
                while (v < le && (*v == ' ' || *v == '\t')) v++;
                long n = 0;
                int digits = 0;
                while (v < le && is_digit((unsigned char)*v) && n < 100000000) { n = n * 10 + (*v++ - '0'); digits++; }
                h->clen = digits ? n : -1;
            }
        }
        p = eol + 1;
    }
    return NULL;
}

/* the boundary parameter of a multipart Content-Type value */
static size_t boundary_of(const char *vs, const char *ve, const char **b) {
    for (const char *p = vs; p + 9 <= ve; p++) {
        if (strncasecmp(p, "boundary=", 9) == 0) {
            const char *s = p + 9, *e;
            if (s < ve && *s == '"') {
                s++;
                e = memchr(s, '"', (size_t)(ve - s));
                if (!e) return 0;
            } else {
                e = s;
                while (e < ve && *e != ';' && *e != ' ' && *e != '\t') e++;
            }
            *b = s;
            return (size_t)(e - s);
        }
    }
    return 0;
}

static const char *find(const char *hay, const char *end, const char *needle, size_t n) {
    if (n == 0) return NULL;
    while (hay + n <= end) {
        const char *c = memchr(hay, needle[0], (size_t)(end - hay));
        if (!c || c + n > end) return NULL;
        if (memcmp(c, needle, n) == 0) return c;
        hay = c + 1;
    }
    return NULL;
}

/* every application/sdp part of a multipart body passes the check */
static int multipart_ok(const char *body, const char *end, const char *b, size_t bn) {
    char delim[80];
    if (bn == 0 || bn > 70) return 0;
    delim[0] = delim[1] = '-';
    memcpy(delim + 2, b, bn);
    size_t dn = bn + 2;
    const char *p = find(body, end, delim, dn);
    if (!p) return 0;
    while (1) {
        p += dn;
        if (p + 2 <= end && p[0] == '-' && p[1] == '-') return 1;        /* closing delimiter */
        const char *next = find(p, end, delim, dn);
        if (!next) return 0;
        const char *part_end = next;                                    /* CRLF before "--b" belongs to it */
        if (part_end > p && part_end[-1] == '\n') part_end--;
        if (part_end > p && part_end[-1] == '\r') part_end--;
        const char *ps = memchr(p, '\n', (size_t)(part_end - p));       /* rest of the delimiter line */
        if (!ps) return 0;
        struct headers ph;
        const char *pbody = scan_headers(ps + 1, part_end, &ph);
        if (ph.ctype && media_is(ph.ctype, ph.ctype_end, "application/sdp")) {
            if (!pbody || pbody > part_end || !sdp_ok(pbody, (size_t)(part_end - pbody))) return 0;
        }
        p = next;
    }
}

static void neutralise(char *vs, char *ve) {
    while (vs < ve && (*vs == ' ' || *vs == '\t')) vs++;
    for (char *q = vs; q < ve && *q != ';' && *q != ' ' && *q != '\t'; q++)
        if (*q != '/') *q = 'x';
    __sync_fetch_and_add(&n_neutralised, 1);
}

/* inspect one datagram in place */
static void inspect(char *buf, size_t n) {
    if (n < 12) return;
    struct headers h;
    const char *end = buf + n;
    const char *body = scan_headers(buf, end, &h);
    if (!body || !h.ctype) return;
    size_t blen = (size_t)(end - body);
    if (h.clen >= 0 && (size_t)h.clen < blen) blen = (size_t)h.clen;
    if (media_is(h.ctype, h.ctype_end, "application/sdp")) {
        if (!sdp_ok(body, blen)) neutralise((char *)h.ctype, (char *)h.ctype_end);
    } else {
        const char *vs = h.ctype;
        while (vs < h.ctype_end && (*vs == ' ' || *vs == '\t')) vs++;
        if ((size_t)(h.ctype_end - vs) >= 10 && strncasecmp(vs, "multipart/", 10) == 0) {
            const char *b;
            size_t bn = boundary_of(h.ctype, h.ctype_end, &b);
            if (!multipart_ok(body, body + blen, b, bn)) neutralise((char *)h.ctype, (char *)h.ctype_end);
        }
    }
}

static int guarded(int fd) {
    if (n_guarded == 0) return 0;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) return 0;
    int port;
    if (ss.ss_family == AF_INET) port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    else if (ss.ss_family == AF_INET6) port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    else return 0;
    for (int i = 0; i < n_guarded; i++)
        if (guarded_ports[i] == port) return 1;
    return 0;
}

ssize_t sipguard_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *src, socklen_t *srclen) {
    ssize_t n = real_recvfrom(fd, buf, len, flags, src, srclen);
    if (n > 0 && !(flags & MSG_PEEK)) {
        int saved = errno;
        if (guarded(fd)) inspect((char *)buf, (size_t)n);
        errno = saved;
    }
    return n;
}

/* for tests: run the inspection on a buffer; returns 1 if it was neutralised */
int sipguard_inspect(char *buf, size_t n) {
    long before = n_neutralised;
    inspect(buf, n);
    return n_neutralised != before;
}
