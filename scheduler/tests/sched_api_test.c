// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sched_api: the vsched API contract, step by step with a hand-driven clock:
 * argument checking, the attach/detach rules, and the engine protocol
 * (run, deadline, preempt, stopped, kill, reset) decision by decision.
 */
#include "igt_core.h"
#include "vgpu/scheduler.h"

#define MS		1000000ULL
#define CAPACITY	4

struct fixture {
	struct vsched s;
	struct vsched_entity *table[CAPACITY];
	struct vsched_entity ent[CAPACITY + 1];
	u64 now;
};

static u64 fixture_clock(void *data)
{
	return ((struct fixture *)data)->now;
}

static void fixture_config(struct fixture *f, struct vsched_config *cfg,
			   unsigned int engines)
{
	cfg->num_engines = engines;
	cfg->table = f->table;
	cfg->capacity = CAPACITY;
	cfg->clock = fixture_clock;
	cfg->clock_data = f;
	vsched_params_init(&cfg->params);
}

/* A scheduler with @n default entities attached, at time 1000 ms. */
static void fixture_init(struct fixture *f, unsigned int engines,
			 unsigned int n)
{
	struct vsched_config cfg;
	unsigned int i;

	memset(f, 0, sizeof(*f));
	f->now = 1000 * MS;
	fixture_config(f, &cfg, engines);
	igt_assert_eq(vsched_init(&f->s, &cfg), 0);
	for (i = 0; i <= CAPACITY; i++)
		vsched_entity_init(&f->ent[i]);
	for (i = 0; i < n; i++)
		igt_assert_eq(vsched_entity_attach(&f->s, &f->ent[i]), 0);
}

static void next(struct fixture *f, unsigned int engine,
		 struct vsched_decision *d)
{
	vsched_engine_next(&f->s, engine, d);
}

static void expect(const struct vsched_decision *d, enum vsched_action action,
		   const struct vsched_entity *ent, u64 deadline)
{
	igt_assert_eq(d->action, action);
	igt_assert(d->entity == ent);
	igt_assert_eq_u64(d->deadline, deadline);
}

static void init_validates_config(void *data)
{
	struct fixture f;
	struct vsched_config cfg;

	memset(&f, 0, sizeof(f));
	fixture_config(&f, &cfg, 1);
	cfg.num_engines = 0;
	igt_assert_eq(vsched_init(&f.s, &cfg), -EINVAL);
	cfg.num_engines = VSCHED_MAX_ENGINES + 1;
	igt_assert_eq(vsched_init(&f.s, &cfg), -EINVAL);
	fixture_config(&f, &cfg, 1);
	cfg.table = NULL;
	igt_assert_eq(vsched_init(&f.s, &cfg), -EINVAL);
	fixture_config(&f, &cfg, 1);
	cfg.capacity = 0;
	igt_assert_eq(vsched_init(&f.s, &cfg), -EINVAL);
	fixture_config(&f, &cfg, 1);
	cfg.clock = NULL;
	igt_assert_eq(vsched_init(&f.s, &cfg), -EINVAL);
	fixture_config(&f, &cfg, 1);
	cfg.params.slice_ns = VSCHED_SLICE_MIN_NS - 1;
	igt_assert_eq(vsched_init(&f.s, &cfg), -EINVAL);
	fixture_config(&f, &cfg, VSCHED_MAX_ENGINES);
	igt_assert_eq(vsched_init(&f.s, &cfg), 0);
}

static void set_params_validates(void *data)
{
	struct fixture f;
	struct vsched_params p, good;

	fixture_init(&f, 1, 0);
	vsched_params_init(&good);

	p = good;
	p.policy = (enum vsched_policy)3;
	igt_assert_eq(vsched_set_params(&f.s, &p), -EINVAL);
	p = good;
	p.slice_ns = VSCHED_SLICE_MAX_NS + 1;
	igt_assert_eq(vsched_set_params(&f.s, &p), -EINVAL);
	p = good;
	p.balance_ns = p.slice_ns - 1;
	igt_assert_eq(vsched_set_params(&f.s, &p), -EINVAL);
	p = good;
	p.credit_ns = p.balance_ns + 1;
	igt_assert_eq(vsched_set_params(&f.s, &p), -EINVAL);
	p = good;
	p.watchdog_ns = VSCHED_WATCHDOG_MIN_NS - 1;
	igt_assert_eq(vsched_set_params(&f.s, &p), -EINVAL);
	/* Nothing changed by the refusals. */
	igt_assert_eq(f.s.params.slice_ns, good.slice_ns);

	p = good;
	p.policy = VSCHED_FIXED_SHARE;
	p.slice_ns = 2 * MS;
	p.credit_ns = 0;
	igt_assert_eq(vsched_set_params(&f.s, &p), 0);
	igt_assert_eq(f.s.params.slice_ns, 2 * MS);
}

static void attach_detach_rules(void *data)
{
	struct fixture f;
	struct vsched_decision d;
	unsigned int i;

	fixture_init(&f, 1, 0);
	for (i = 0; i < CAPACITY; i++)
		igt_assert_eq(vsched_entity_attach(&f.s, &f.ent[i]), 0);
	igt_assert_eq(vsched_entity_attach(&f.s, &f.ent[0]), -EBUSY);
	igt_assert_eq(vsched_entity_attach(&f.s, &f.ent[CAPACITY]), -ENOSPC);
	igt_assert_eq(vsched_entity_detach(&f.s, &f.ent[CAPACITY]), -ENOENT);

	/* An entity on an engine cannot leave. */
	vsched_entity_wake(&f.s, &f.ent[1], 0);
	next(&f, 0, &d);
	igt_assert(d.entity == &f.ent[1]);
	igt_assert_eq(vsched_entity_detach(&f.s, &f.ent[1]), -EBUSY);
	vsched_entity_sleep(&f.s, &f.ent[1], 0);
	igt_assert_eq(vsched_entity_detach(&f.s, &f.ent[1]), 0);
	igt_assert_eq(vsched_entity_detach(&f.s, &f.ent[1]), -ENOENT);

	/* The freed slot is reused. */
	igt_assert_eq(vsched_entity_attach(&f.s, &f.ent[CAPACITY]), 0);
	igt_assert_eq(f.s.count, CAPACITY);
	igt_assert_eq(f.s.weight_sum, CAPACITY * VSCHED_WEIGHT_DEFAULT);
}

static void entity_parameters_validated(void *data)
{
	struct fixture f;
	struct vsched_entity *e;

	fixture_init(&f, 1, 1);
	e = &f.ent[0];
	igt_assert_eq(vsched_entity_set_weight(&f.s, e, 0), -EINVAL);
	igt_assert_eq(vsched_entity_set_weight(&f.s, e, VSCHED_WEIGHT_MAX + 1),
		      -EINVAL);
	igt_assert_eq(vsched_entity_set_cap(&f.s, e, VSCHED_CAP_FULL + 1),
		      -EINVAL);
	igt_assert_eq(vsched_entity_set_priority(&f.s, e, VSCHED_PRIO_LEVELS),
		      -EINVAL);
	igt_assert_eq(e->weight, VSCHED_WEIGHT_DEFAULT);
	igt_assert_eq(e->cap, VSCHED_CAP_NONE);
	igt_assert_eq(e->prio, VSCHED_PRIO_NORMAL);

	igt_assert_eq(vsched_entity_set_weight(&f.s, e, 7), 0);
	igt_assert_eq(f.s.weight_sum, 7);
	igt_assert_eq(vsched_entity_set_cap(&f.s, e, 1234), 0);
	igt_assert_eq(vsched_entity_set_priority(&f.s, e, VSCHED_PRIO_MAX), 0);
	igt_assert_eq(e->weight, 7);
	igt_assert_eq(e->cap, 1234);
	igt_assert_eq(e->prio, VSCHED_PRIO_MAX);

	/* Detached entities take parameters too. */
	igt_assert_eq(vsched_entity_set_weight(&f.s, &f.ent[1], 3), 0);
	igt_assert_eq(f.ent[1].weight, 3);
	igt_assert_eq(f.s.weight_sum, 7);
}

static void empty_engine_idles(void *data)
{
	struct fixture f;
	struct vsched_decision d;

	fixture_init(&f, 2, 2);
	next(&f, 0, &d);
	expect(&d, VSCHED_IDLE, NULL, VSCHED_NO_DEADLINE);
	/* Out-of-range engines are idle, not a crash. */
	next(&f, 2, &d);
	expect(&d, VSCHED_IDLE, NULL, VSCHED_NO_DEADLINE);
	igt_assert(!vsched_entity_wake(&f.s, &f.ent[0], 2));
	vsched_engine_stopped(&f.s, 7);
	igt_assert_eq(vsched_engine_busy_ns(&f.s, 7), 0);
}

static void wake_kicks_idle_engine(void *data)
{
	struct fixture f;
	struct vsched_decision d;

	fixture_init(&f, 2, 2);
	igt_assert(vsched_entity_wake(&f.s, &f.ent[0], 0));
	next(&f, 0, &d);
	expect(&d, VSCHED_RUN, &f.ent[0], f.now + VSCHED_SLICE_DEFAULT_NS);
	/* Engine 0 busy: no kick; engine 1 idle: kick. */
	igt_assert(!vsched_entity_wake(&f.s, &f.ent[1], 0));
	igt_assert(vsched_entity_wake(&f.s, &f.ent[1], 1));
	/* A detached entity is refused. */
	igt_assert(!vsched_entity_wake(&f.s, &f.ent[2], 0));
}

static void protocol_run_preempt_stop(void *data)
{
	struct fixture f;
	struct vsched_decision d;
	struct vsched_entity *a, *b;
	u64 t0, slice = VSCHED_SLICE_DEFAULT_NS;

	fixture_init(&f, 1, 2);
	a = &f.ent[0];
	b = &f.ent[1];
	t0 = f.now;
	vsched_entity_wake(&f.s, a, 0);
	next(&f, 0, &d);
	expect(&d, VSCHED_RUN, a, t0 + slice);

	/* b wakes mid-slice: a keeps the engine until its deadline. */
	f.now = t0 + 2 * MS;
	igt_assert(!vsched_entity_wake(&f.s, b, 0));
	next(&f, 0, &d);
	expect(&d, VSCHED_RUN, a, t0 + slice);

	/* At the deadline: preempt a. */
	f.now = t0 + slice;
	next(&f, 0, &d);
	expect(&d, VSCHED_PREEMPT, a, VSCHED_NO_DEADLINE);
	/* Asking again while the preemption is pending repeats it. */
	f.now += 10000;
	next(&f, 0, &d);
	igt_assert_eq(d.action, VSCHED_PREEMPT);
	igt_assert(d.entity == a);

	/* a stopped at a boundary 20 us late; b gets a full slice. */
	f.now = t0 + slice + 20000;
	vsched_engine_stopped(&f.s, 0);
	next(&f, 0, &d);
	expect(&d, VSCHED_RUN, b, f.now + slice);

	/* a goes idle while waiting; b alone is never preempted. */
	vsched_entity_sleep(&f.s, a, 0);
	f.now += slice;
	next(&f, 0, &d);
	expect(&d, VSCHED_RUN, b, f.now + slice);

	/* b runs out of work: the engine idles. */
	f.now += MS;
	vsched_entity_sleep(&f.s, b, 0);
	next(&f, 0, &d);
	expect(&d, VSCHED_IDLE, NULL, VSCHED_NO_DEADLINE);
	igt_assert_eq(vsched_engine_busy_ns(&f.s, 0), f.now - t0);
}

static void watchdog_deadline_and_kill(void *data)
{
	struct fixture f;
	struct vsched_decision d;
	struct vsched_stats st;
	struct vsched_entity *a;
	u64 t0;

	fixture_init(&f, 2, 2);
	a = &f.ent[0];
	t0 = f.now;
	vsched_entity_wake(&f.s, a, 0);
	vsched_entity_wake(&f.s, a, 1);
	next(&f, 0, &d);
	next(&f, 1, &d);
	/* A 2 ms budget brings the 5 ms deadline forward. */
	igt_assert_eq_u64(vsched_workload_begin(&f.s, a, 0, 2 * MS),
			  t0 + 2 * MS);
	igt_assert_eq_u64(vsched_workload_begin(&f.s, a, 1, 0),
			  t0 + VSCHED_SLICE_DEFAULT_NS);
	/* Not on the engine: no deadline to give. */
	igt_assert_eq_u64(vsched_workload_begin(&f.s, &f.ent[1], 0, 0),
			  VSCHED_NO_DEADLINE);
	vsched_workload_end(&f.s, &f.ent[1], 0);

	f.now = t0 + 2 * MS;
	next(&f, 0, &d);
	expect(&d, VSCHED_KILL, a, f.now);
	vsched_entity_reset(&f.s, a);

	vsched_entity_stats(&f.s, a, 0, &st);
	igt_assert_eq(st.workloads_started, 1);
	igt_assert_eq(st.workloads_killed, 1);
	igt_assert_eq(st.resets, 1);
	igt_assert_eq(st.busy_ns, 2 * MS);
	/* The reset took a off engine 1 too, and killed its workload there. */
	vsched_entity_stats(&f.s, a, 1, &st);
	igt_assert_eq(st.workloads_killed, 1);
	igt_assert_eq(st.busy_ns, 2 * MS);
	next(&f, 1, &d);
	expect(&d, VSCHED_IDLE, NULL, VSCHED_NO_DEADLINE);
	/* The other entity: untouched, and it may run now. */
	vsched_entity_stats(&f.s, &f.ent[1], 0, &st);
	igt_assert_eq(st.resets, 0);
	igt_assert_eq(st.workloads_killed, 0);
	igt_assert_eq(st.workloads_completed, 1);
	igt_assert(vsched_entity_wake(&f.s, &f.ent[1], 0));
	next(&f, 0, &d);
	igt_assert(d.entity == &f.ent[1]);
}

static void stats_include_running_slice(void *data)
{
	struct fixture f;
	struct vsched_decision d;
	struct vsched_stats st;

	fixture_init(&f, 1, 1);
	vsched_entity_wake(&f.s, &f.ent[0], 0);
	next(&f, 0, &d);
	f.now += 1234567;
	vsched_entity_stats(&f.s, &f.ent[0], 0, &st);
	igt_assert_eq(st.busy_ns, 1234567);
	igt_assert_eq(vsched_engine_busy_ns(&f.s, 0), 1234567);
}

static void clock_never_goes_back(void *data)
{
	struct fixture f;
	struct vsched_decision d;
	struct vsched_stats st;
	u64 t0;

	fixture_init(&f, 1, 1);
	t0 = f.now;
	vsched_entity_wake(&f.s, &f.ent[0], 0);
	next(&f, 0, &d);
	f.now = t0 + 3 * MS;
	vsched_entity_stats(&f.s, &f.ent[0], 0, &st);
	igt_assert_eq(st.busy_ns, 3 * MS);
	/* A clock that steps back is held at its last value. */
	f.now = t0 + MS;
	vsched_entity_stats(&f.s, &f.ent[0], 0, &st);
	igt_assert_eq(st.busy_ns, 3 * MS);
	next(&f, 0, &d);
	expect(&d, VSCHED_RUN, &f.ent[0], t0 + VSCHED_SLICE_DEFAULT_NS);
}

static void fixed_share_idle_deadline(void *data)
{
	struct fixture f;
	struct vsched_params p;
	struct vsched_decision d;
	struct vsched_entity *a;
	u64 t0, slice = VSCHED_SLICE_DEFAULT_NS;

	fixture_init(&f, 1, 1);
	vsched_params_init(&p);
	p.policy = VSCHED_FIXED_SHARE;
	igt_assert_eq(vsched_set_params(&f.s, &p), 0);
	a = &f.ent[0];
	igt_assert_eq(vsched_entity_set_cap(&f.s, a, VSCHED_CAP_FULL / 2), 0);
	t0 = f.now;
	vsched_entity_wake(&f.s, a, 0);
	next(&f, 0, &d);
	/* One slice of budget at 50 %: runs out after two slices. */
	expect(&d, VSCHED_RUN, a, t0 + slice);
	f.now = t0 + slice;
	next(&f, 0, &d);
	expect(&d, VSCHED_RUN, a, t0 + 2 * slice);
	f.now = t0 + 2 * slice;
	next(&f, 0, &d);
	expect(&d, VSCHED_PREEMPT, a, VSCHED_NO_DEADLINE);
	vsched_engine_stopped(&f.s, 0);
	/* Throttled: idle until one slice of budget is back (10 ms). */
	next(&f, 0, &d);
	expect(&d, VSCHED_IDLE, NULL, f.now + 2 * slice);
	f.now += 2 * slice;
	next(&f, 0, &d);
	expect(&d, VSCHED_RUN, a, f.now + slice);
}

static const struct igt_subtest subtests[] = {
	{ "init-validates-config", init_validates_config,
	  "vsched_init() refuses incomplete or out-of-range configurations." },
	{ "set-params-validates", set_params_validates,
	  "vsched_set_params() refuses bad tunables and changes nothing." },
	{ "attach-detach-rules", attach_detach_rules,
	  "Capacity, double attach, detach of unknown or running entities." },
	{ "entity-parameters-validated", entity_parameters_validated,
	  "Weight, cap and priority are range-checked and kept." },
	{ "empty-engine-idles", empty_engine_idles,
	  "No work: idle with no deadline; bad engine numbers are harmless." },
	{ "wake-kicks-idle-engine", wake_kicks_idle_engine,
	  "A wake-up asks for a decision only when the engine is idle." },
	{ "protocol-run-preempt-stop", protocol_run_preempt_stop,
	  "Run until the deadline, preempt at slice end, stopped, next." },
	{ "watchdog-deadline-and-kill", watchdog_deadline_and_kill,
	  "The watchdog shortens the deadline, kills, and reset is per entity." },
	{ "stats-include-running-slice", stats_include_running_slice,
	  "Accounting read mid-slice includes the time run so far." },
	{ "clock-never-goes-back", clock_never_goes_back,
	  "A clock stepping back cannot undo accounting." },
	{ "fixed-share-idle-deadline", fixed_share_idle_deadline,
	  "A throttled entity yields, and the idle deadline is its refill." },
};

IGT_TEST_MAIN("vsched API contract, decision by decision", subtests);
