/*
 * milter - the libmilter callbacks: collect, qualify, apply the plan
 *
 * DESCRIPTION  milter_register() hands the callbacks to libmilter.  They
 *              stay thin (milter-regex style): fetch the connection state,
 *              copy what is needed (envelope, headers, body, each capped),
 *              return.  A message with no inquiry recipient is accepted at
 *              DATA (or end of headers) untouched and never buffered.  At
 *              end of message engine_qualify() decides, annotate_build()
 *              plans, and the plan is applied with smfi_* calls.
 *              milter_swap() installs a configuration, ruleset and store;
 *              each message keeps the set it started with (refcounted), so
 *              a reload never changes a message half-way.
 *              With a store, qualification reads history (store_history)
 *              and records each verdict (store_record, not in DryRun);
 *              mail to FeedbackAddress is recorded (store_feedback), not
 *              qualified.
 *              milter_drain() waits for messages in flight at shutdown.
 * DIAGNOSTICS  Every internal failure goes through one helper that logs
 *              why and returns the OnError action (accept or tempfail).
 *              One LOG_INFO line per qualified message, queue id first.
 * THREADS      Callbacks run on libmilter's threads; the shared state is
 *              the current configuration (swapped under a mutex) and the
 *              in-flight count.  Each connection has its own engine_ctx.
 * SEE ALSO     annotate(3), engine(3), leadmilter(8)
 */
#ifndef MILTER_H
#define MILTER_H

#include "config.h"
#include "lm.h"
#include "rules.h"
#include "store.h"

int milter_register(void);
void milter_swap(struct config *cfg, struct ruleset *rs, struct store *store);
unsigned milter_drain(int seconds);

#endif
