// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sched_sim: vsched under a deterministic virtual-clock simulation of the
 * parent driver (sim.c). Each subtest sets up entities and loads, runs
 * virtual time, and asserts the shares, waits and reactions it proves.
 * Measured numbers are printed on stdout.
 */
#include <stdio.h>
#include <stdlib.h>

#include "igt_core.h"
#include "sim.h"

#define SLICE		VSCHED_SLICE_DEFAULT_NS
#define BALANCE		VSCHED_BALANCE_DEFAULT_NS
#define BOUNDARY	(100 * SIM_US)

#define SEEDS		5

static struct sim *sim_new_seed(unsigned int engines,
				enum vsched_policy policy, u64 boundary,
				u32 seed)
{
	struct vsched_params p;
	struct sim *sim;

	vsched_params_init(&p);
	p.policy = policy;
	sim = sim_create(engines, &p, boundary, seed);
	igt_assert(sim);
	return sim;
}

static struct sim *sim_new(unsigned int engines, enum vsched_policy policy,
			   u64 boundary)
{
	return sim_new_seed(engines, policy, boundary, 1);
}

static struct sim_entity *add(struct sim *sim, u32 weight, u32 prio)
{
	struct sim_entity *ent = sim_add(sim, weight, prio);

	igt_assert(ent);
	return ent;
}

static void sim_done(struct sim *sim)
{
	igt_assert_eq(sim->anomalies, 0);
	sim_destroy(sim);
}

static double pct(u64 part, u64 whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static double ms(u64 ns)
{
	return (double)ns / SIM_MS;
}

static u64 absdiff(u64 a, u64 b)
{
	return a > b ? a - b : b - a;
}

/* Run to @until and return the share error of @n entities on engine 0. */
static double run_shares(struct sim *sim, u64 until, const u32 *weights,
			 unsigned int n)
{
	u64 b0[SIM_MAX_ENTITIES], b1[SIM_MAX_ENTITIES];
	double err;
	unsigned int i;

	sim_busy(sim, 0, b0);
	sim_run(sim, until);
	sim_busy(sim, 0, b1);
	err = sim_share_error_pp(b0, b1, weights, n);
	for (i = 0; i < n; i++)
		igt_info("  entity %u weight %u: %.2f ms\n", i, weights[i],
			 ms(b1[i] - b0[i]));
	return err;
}

static void weighted_shares(void *data)
{
	static const u32 w[] = { 1, 2, 4, 8 };
	double worst = 0;
	u32 seed;

	for (seed = 1; seed <= SEEDS; seed++) {
		struct sim *sim = sim_new_seed(1, VSCHED_BEST_EFFORT, BOUNDARY,
					       seed);
		unsigned int i;
		double err;

		for (i = 0; i < 4; i++)
			sim_saturate(sim, add(sim, w[i], VSCHED_PRIO_NORMAL),
				     0, 0);
		sim_run(sim, SIM_S);
		err = run_shares(sim, 21 * SIM_S, w, 4);
		igt_info("seed %u: largest share error %.3f pp\n", seed, err);
		if (err > worst)
			worst = err;
		sim_done(sim);
	}
	igt_info("largest share error over %d seeds: %.3f pp\n", SEEDS, worst);
	igt_assert_f(worst <= 2.0, "share error %.3f pp > 2 pp\n", worst);
}

static void accounting_matches(void *data)
{
	struct sim_load light = {
		.kind = SIM_PERIODIC, .len_min = 300 * SIM_US,
		.len_max = 900 * SIM_US, .period = 7 * SIM_MS,
	};
	struct sim *sim = sim_new(2, VSCHED_BEST_EFFORT, BOUNDARY);
	struct sim_entity *ent[3];
	u64 total[2] = { 0, 0 };
	unsigned int i, e;

	ent[0] = add(sim, 100, VSCHED_PRIO_NORMAL);
	ent[1] = add(sim, 300, VSCHED_PRIO_NORMAL);
	ent[2] = add(sim, 50, VSCHED_PRIO_HIGH);
	sim_saturate(sim, ent[0], 0, 0);
	sim_saturate(sim, ent[1], 0, 0);
	sim_saturate(sim, ent[1], 1, 0);
	sim_set_load(sim, ent[2], 0, &light);
	sim_set_load(sim, ent[2], 1, &light);
	sim_run(sim, 3 * SIM_S + 123 * SIM_US);

	for (i = 0; i < 3; i++) {
		for (e = 0; e < 2; e++) {
			const struct sim_lane *lane = &ent[i]->lane[e];
			struct vsched_stats st;

			vsched_entity_stats(&sim->sched, &ent[i]->se, e, &st);
			igt_assert_eq(st.busy_ns, lane->busy);
			igt_assert_eq(st.workloads_completed, lane->completed);
			igt_assert_eq(st.workloads_started,
				      lane->completed + lane->killed +
				      (lane->active ? 1 : 0));
			igt_assert_eq(st.workloads_killed, 0);
			igt_assert_eq(st.resets, 0);
			total[e] += st.busy_ns;
		}
	}
	for (e = 0; e < 2; e++) {
		igt_assert_eq(vsched_engine_busy_ns(&sim->sched, e), total[e]);
		igt_assert_eq(total[e] + sim->eng[e].idle, sim->now);
		igt_info("engine %u: busy %.3f ms, idle %.3f ms\n", e,
			 ms(total[e]), ms(sim->eng[e].idle));
	}
	sim_done(sim);
}

static void light_entity_latency(u64 boundary, u32 seed)
{
	struct sim_load light = {
		.kind = SIM_PERIODIC, .len_min = 200 * SIM_US,
		.len_max = 500 * SIM_US, .period = 17300 * SIM_US,
	};
	struct sim *sim = sim_new_seed(1, VSCHED_BEST_EFFORT, boundary, seed);
	struct sim_entity *l;
	u64 limit = SLICE + boundary;

	sim_saturate(sim, add(sim, 100, VSCHED_PRIO_NORMAL), 0, 0);
	sim_saturate(sim, add(sim, 400, VSCHED_PRIO_NORMAL), 0, 0);
	sim_saturate(sim, add(sim, 800, VSCHED_PRIO_NORMAL), 0, 0);
	/*
	 * The light entity joins once the others are running; its first
	 * workload is placed neutrally (no credit yet), so the promise is
	 * measured from its second one on.
	 */
	light.start = 500 * SIM_MS;
	l = add(sim, 100, VSCHED_PRIO_NORMAL);
	sim_set_load(sim, l, 0, &light);
	sim_run(sim, light.start + light.period - SIM_MS);
	sim_reset_observations(sim);
	sim_run(sim, 10 * SIM_S);

	igt_info("seed %u, boundary %.3f ms: light entity waited at most %.3f ms (limit %.3f ms), %llu workloads\n",
		 seed, ms(boundary), ms(l->lane[0].max_wait), ms(limit),
		 (unsigned long long)l->lane[0].completed);
	igt_assert(l->lane[0].completed >= 9 * SIM_S / light.period);
	igt_assert_lte(l->lane[0].max_wait, limit);
	sim_done(sim);
}

static void light_entity_waits_one_slice(void *data)
{
	u32 seed;

	for (seed = 1; seed <= SEEDS; seed++) {
		light_entity_latency(0, seed);
		light_entity_latency(BOUNDARY, seed);
	}
}

/*
 * Woken behind the others in virtual time, a light entity cuts the slice
 * on the engine short: it waits at most a quarter of a slice (plus the
 * command boundary), whenever in a slice it wakes. The periods put its
 * wake-ups early, late and in between in the saturating entities' slices.
 */
static void light_entity_cuts_slice_short(void *data)
{
	static const u64 period_us[] = { 15100, 15900, 16700, 17300, 19100 };
	u64 limit, wait_max = 0;
	unsigned int i, b;

	for (i = 0; i < IGT_ARRAY_SIZE(period_us); i++) {
		for (b = 0; b < 2; b++) {
			struct sim_load light = {
				.kind = SIM_PERIODIC, .len_min = 200 * SIM_US,
				.len_max = 500 * SIM_US,
				.period = period_us[i] * SIM_US,
				.start = 500 * SIM_MS,
			};
			u64 boundary = b ? BOUNDARY : 0;
			struct sim *sim = sim_new_seed(1, VSCHED_BEST_EFFORT,
						       boundary, i + 1);
			struct sim_entity *l;

			sim_saturate(sim, add(sim, 100, VSCHED_PRIO_NORMAL),
				     0, 0);
			sim_saturate(sim, add(sim, 800, VSCHED_PRIO_NORMAL),
				     0, 0);
			l = add(sim, 100, VSCHED_PRIO_NORMAL);
			sim_set_load(sim, l, 0, &light);
			sim_run(sim, light.start + light.period - SIM_MS);
			sim_reset_observations(sim);
			sim_run(sim, 5 * SIM_S);
			limit = SLICE / VSCHED_WAKE_SLICE_DIV + boundary;
			igt_info("period %.1f ms, boundary %.1f ms: waited at most %.3f ms (limit %.3f ms)\n",
				 ms(light.period), ms(boundary),
				 ms(l->lane[0].max_wait), ms(limit));
			igt_assert(l->lane[0].completed >=
				   4 * SIM_S / light.period);
			igt_assert_lte(l->lane[0].max_wait, limit);
			if (l->lane[0].max_wait > wait_max)
				wait_max = l->lane[0].max_wait;
			sim_done(sim);
		}
	}
	/* Some wake-up fell early in a slice and really waited. */
	igt_assert(wait_max > SLICE / VSCHED_WAKE_SLICE_DIV / 4);
}

static void fixed_share_cap_alone(void *data)
{
	struct sim *sim = sim_new(1, VSCHED_FIXED_SHARE, BOUNDARY);
	struct sim_entity *a = add(sim, 100, VSCHED_PRIO_NORMAL);
	u64 b0;
	double share;

	igt_assert_eq(vsched_entity_set_cap(&sim->sched, &a->se, 2500), 0);
	sim_saturate(sim, a, 0, 0);
	sim_run(sim, SIM_S);
	b0 = a->lane[0].busy;
	sim_run(sim, 11 * SIM_S);
	share = pct(a->lane[0].busy - b0, 10 * SIM_S);
	igt_info("capped at 25%% alone: %.3f%% of the engine in %llu runs\n",
		 share, (unsigned long long)sim->eng[0].runs);
	igt_assert_f(share <= 25.05 && share >= 24.5, "share %.3f%%\n", share);
	/*
	 * Whole slices, not slivers: a slice of budget at 25 % comes back
	 * every 20 ms and lasts 6.67 ms, so about 11 s / 26.7 ms runs.
	 */
	igt_assert_lte(sim->eng[0].runs, 11 * SIM_S / (26 * SIM_MS));
	sim_done(sim);
}

static void fixed_share_weight_caps(void *data)
{
	static const u32 w[] = { 1, 1, 2 };
	struct sim *sim = sim_new(1, VSCHED_FIXED_SHARE, BOUNDARY);
	struct sim_entity *ent[3];
	u64 b0[3], b1[3], idle0;
	unsigned int i;
	double err;

	for (i = 0; i < 3; i++)
		ent[i] = add(sim, w[i], VSCHED_PRIO_NORMAL);
	sim_saturate(sim, ent[0], 0, 0);
	sim_saturate(sim, ent[1], 0, 0);
	sim_run(sim, SIM_S);
	sim_busy(sim, 0, b0);
	idle0 = sim->eng[0].idle;
	sim_run(sim, 11 * SIM_S);
	sim_busy(sim, 0, b1);
	for (i = 0; i < 2; i++) {
		double share = pct(b1[i] - b0[i], 10 * SIM_S);

		igt_info("weight 1 of 4, third entity idle: %.3f%%\n", share);
		igt_assert_f(share >= 24.5 && share <= 25.05, "%.3f%%\n",
			     share);
	}
	igt_info("engine idle: %.3f%%\n",
		 pct(sim->eng[0].idle - idle0, 10 * SIM_S));
	igt_assert(pct(sim->eng[0].idle - idle0, 10 * SIM_S) >= 49.5);

	sim_saturate(sim, ent[2], 0, sim->now);
	sim_run(sim, sim->now + BALANCE);
	err = run_shares(sim, sim->now + 10 * SIM_S, w, 3);
	igt_info("all three busy: share error %.3f pp\n", err);
	igt_assert_f(err <= 2.0, "share error %.3f pp\n", err);
	sim_done(sim);
}

static void fixed_share_all_busy(void *data)
{
	static const u32 w[] = { 1, 2, 4, 8 };
	struct sim *sim = sim_new(1, VSCHED_FIXED_SHARE, BOUNDARY);
	u64 idle0;
	unsigned int i;
	double err, idle;

	for (i = 0; i < 4; i++)
		sim_saturate(sim, add(sim, w[i], VSCHED_PRIO_NORMAL), 0, 0);
	sim_run(sim, SIM_S);
	idle0 = sim->eng[0].idle;
	err = run_shares(sim, 11 * SIM_S, w, 4);
	idle = pct(sim->eng[0].idle - idle0, 10 * SIM_S);
	igt_info("fixed-share, all busy: share error %.3f pp, engine idle %.3f%%\n",
		 err, idle);
	igt_assert_f(err <= 2.0, "%.3f pp\n", err);
	/* The weight caps add up to 100 %: the engine stays busy. */
	igt_assert_f(idle <= 1.0, "idle %.3f%%\n", idle);
	sim_done(sim);
}

static void fixed_share_explicit_caps(void *data)
{
	struct sim *sim = sim_new(1, VSCHED_FIXED_SHARE, BOUNDARY);
	struct sim_entity *a = add(sim, 100, VSCHED_PRIO_NORMAL);
	struct sim_entity *b = add(sim, 100, VSCHED_PRIO_NORMAL);
	double sa, sb;

	igt_assert_eq(vsched_entity_set_cap(&sim->sched, &a->se, 2000), 0);
	igt_assert_eq(vsched_entity_set_cap(&sim->sched, &b->se,
					    VSCHED_CAP_FULL), 0);
	sim_saturate(sim, a, 0, 0);
	sim_saturate(sim, b, 0, 0);
	sim_run(sim, 10 * SIM_S);
	sa = pct(a->lane[0].busy, sim->now);
	sb = pct(b->lane[0].busy, sim->now);
	igt_info("cap 20%% vs uncapped, equal weights: %.3f%% / %.3f%%, capped one started %llu times\n",
		 sa, sb, (unsigned long long)a->lane[0].runs);
	igt_assert(sa <= 20.05 && sa >= 19.5);
	igt_assert(sb >= 79.5);
	/* It runs whole slices: 6.25 ms every 31.25 ms, about 320 times. */
	igt_assert_lte(a->lane[0].runs, 10 * SIM_S / (25 * SIM_MS));
	sim_done(sim);
}

static void best_effort_work_conserving(void *data)
{
	struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, BOUNDARY);
	struct sim_entity *a = add(sim, 1, VSCHED_PRIO_NORMAL);
	struct sim_entity *b = add(sim, 1, VSCHED_PRIO_NORMAL);
	double sa;

	add(sim, 2, VSCHED_PRIO_NORMAL);
	/* Caps only bind under fixed-share. */
	igt_assert_eq(vsched_entity_set_cap(&sim->sched, &a->se, 1000), 0);
	sim_saturate(sim, a, 0, 0);
	sim_saturate(sim, b, 0, 0);
	sim_run(sim, 10 * SIM_S);
	sa = pct(a->lane[0].busy, sim->now);
	igt_info("best-effort, third idle: %.3f%% / %.3f%%, idle %.4f%%\n",
		 sa, pct(b->lane[0].busy, sim->now),
		 pct(sim->eng[0].idle, sim->now));
	igt_assert(sa >= 48.0 && sa <= 52.0);
	igt_assert_eq(sim->eng[0].idle, 0);
	sim_done(sim);
}

static void equal_share(void *data)
{
	static const u32 w[] = { 1, 2, 4, 8 };
	static const u32 same[] = { 1, 1, 1, 1 };
	struct sim *sim = sim_new(1, VSCHED_EQUAL_SHARE, BOUNDARY);
	unsigned int i;
	double err;

	for (i = 0; i < 4; i++)
		sim_saturate(sim, add(sim, w[i], VSCHED_PRIO_NORMAL), 0, 0);
	sim_run(sim, SIM_S);
	err = run_shares(sim, 11 * SIM_S, same, 4);
	igt_info("weights 1:2:4:8 under equal-share: error vs 25%% each %.3f pp\n",
		 err);
	igt_assert_f(err <= 2.0, "%.3f pp\n", err);
	sim_done(sim);
}

static void many_entities(unsigned int n, unsigned int engines)
{
	struct sim *sim = sim_new(engines, VSCHED_BEST_EFFORT, BOUNDARY);
	u64 b0[VSCHED_MAX_ENGINES][SIM_MAX_ENTITIES];
	u64 b1[VSCHED_MAX_ENGINES][SIM_MAX_ENTITIES];
	u64 run = 30 * SIM_S;
	u32 w[SIM_MAX_ENTITIES];
	u64 wsum = 0;
	unsigned int i, e;

	for (i = 0; i < n; i++) {
		struct sim_entity *ent;

		w[i] = i % 8 + 1;
		wsum += w[i];
		ent = add(sim, w[i], VSCHED_PRIO_NORMAL);
		for (e = 0; e < engines; e++)
			sim_saturate(sim, ent, e, 0);
	}
	sim_run(sim, SIM_S);
	sim_reset_observations(sim);
	for (e = 0; e < engines; e++)
		sim_busy(sim, e, b0[e]);
	sim_run(sim, sim->now + run);
	for (e = 0; e < engines; e++)
		sim_busy(sim, e, b1[e]);

	for (e = 0; e < engines; e++) {
		double err = sim_share_error_pp(b0[e], b1[e], w, n);
		double worst_rel = 0;
		u64 worst_wait = 0;

		for (i = 0; i < n; i++) {
			double want = (double)run * w[i] / wsum;
			double rel = ((double)(b1[e][i] - b0[e][i]) - want) /
				     want;
			/*
			 * Start-time fair queueing: each other entity j may
			 * run w_j / w_i slices plus one before entity i.
			 */
			u64 bound = (wsum / w[i] + n) * (SLICE + BOUNDARY);
			u64 wait = sim->ent[i].lane[e].max_wait;

			if (rel < 0)
				rel = -rel;
			if (rel > worst_rel)
				worst_rel = rel;
			if (wait > worst_wait)
				worst_wait = wait;
			igt_assert_f(wait <= bound,
				     "entity %u weight %u waited %.1f ms > %.1f ms\n",
				     i, w[i], ms(wait), ms(bound));
		}
		igt_info("%u entities, engine %u: share error %.3f pp, worst relative error %.1f%%, longest wait %.1f ms\n",
			 n, e, err, 100 * worst_rel, ms(worst_wait));
		igt_assert_f(err <= 0.5, "%.3f pp\n", err);
		igt_assert_f(worst_rel <= 0.10, "%.1f%%\n", 100 * worst_rel);
	}
	sim_done(sim);
}

static void sixty_four_entities(void *data)
{
	many_entities(64, 1);
}

static void thirty_two_entities_two_engines(void *data)
{
	many_entities(32, 2);
}

static void weight_change(void *data)
{
	static const u32 before[] = { 1, 2, 4, 8 };
	static const u32 after[] = { 8, 4, 2, 1 };
	struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, BOUNDARY);
	struct sim_entity *ent[4];
	u64 b0[4], b1[4], t;
	unsigned int i;
	double err;

	for (i = 0; i < 4; i++) {
		ent[i] = add(sim, before[i], VSCHED_PRIO_NORMAL);
		sim_saturate(sim, ent[i], 0, 0);
	}
	sim_run(sim, 2 * SIM_S + 1234 * SIM_US);
	t = sim->now;
	for (i = 0; i < 4; i++)
		igt_assert_eq(vsched_entity_set_weight(&sim->sched,
						       &ent[i]->se, after[i]),
			      0);

	/* Within the first balance period: every entity within its lag. */
	sim_busy(sim, 0, b0);
	sim_run(sim, t + BALANCE);
	sim_busy(sim, 0, b1);
	for (i = 0; i < 4; i++) {
		u64 got = b1[i] - b0[i];
		u64 want = BALANCE * after[i] / 15;

		igt_info("first balance period: weight %u got %.2f ms, ideal %.2f ms\n",
			 after[i], ms(got), ms(want));
		igt_assert_lte(absdiff(got, want), SLICE + 2 * BOUNDARY);
	}
	err = run_shares(sim, t + BALANCE + 10 * SIM_S, after, 4);
	igt_info("after the change: share error %.3f pp\n", err);
	igt_assert_f(err <= 2.0, "%.3f pp\n", err);
	sim_done(sim);
}

static void new_entity_neutral(u32 new_weight)
{
	struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, BOUNDARY);
	struct sim_entity *n;
	u64 b0[5], b1[5], t;
	u64 wsum = 4 + new_weight;
	u32 w5[5] = { 1, 1, 1, 1, 1 };
	unsigned int i;
	double err;

	for (i = 0; i < 4; i++)
		sim_saturate(sim, add(sim, 1, VSCHED_PRIO_NORMAL), 0, 0);
	sim_run(sim, 5 * SIM_S + 777 * SIM_US);
	t = sim->now;
	n = add(sim, new_weight, VSCHED_PRIO_NORMAL);
	sim_saturate(sim, n, 0, t);
	sim_reset_observations(sim);
	sim_busy(sim, 0, b0);
	sim_run(sim, t + BALANCE);
	sim_busy(sim, 0, b1);
	for (i = 0; i < 5; i++) {
		u64 w = i < 4 ? 1 : new_weight;
		u64 want = BALANCE * w / wsum;
		u64 got = b1[i] - b0[i];

		igt_info("new entity weight %u: entity %u got %.2f ms of the first %.0f ms (ideal %.2f), waited at most %.2f ms\n",
			 new_weight, i, ms(got), ms(BALANCE), ms(want),
			 ms(sim->ent[i].lane[0].max_wait));
		/* Slice granularity: within two slices of the ideal. */
		igt_assert_lte(absdiff(got, want), 2 * (SLICE + BOUNDARY));
	}
	w5[4] = new_weight;
	err = run_shares(sim, t + 5 * SIM_S, w5, 5);
	igt_info("new entity weight %u: share error over 5 s %.3f pp\n",
		 new_weight, err);
	igt_assert_f(err <= 2.0, "%.3f pp\n", err);
	sim_done(sim);
}

static void new_entity_no_starvation(void *data)
{
	new_entity_neutral(1);
	new_entity_neutral(8);
}

static void low_priority_not_starved(void *data)
{
	struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, BOUNDARY);
	struct sim_entity *h = add(sim, 100, VSCHED_PRIO_HIGH);
	struct sim_entity *l1 = add(sim, 100, VSCHED_PRIO_NORMAL);
	struct sim_entity *l2 = add(sim, 100, VSCHED_PRIO_LOW);
	u64 limit = BALANCE + 2 * (SLICE + BOUNDARY);
	double sh, s1, s2;

	sim_saturate(sim, h, 0, 0);
	sim_saturate(sim, l1, 0, 0);
	sim_saturate(sim, l2, 0, 0);
	sim_run(sim, 10 * SIM_S);
	sh = pct(h->lane[0].busy, sim->now);
	s1 = pct(l1->lane[0].busy, sim->now);
	s2 = pct(l2->lane[0].busy, sim->now);
	igt_info("high %.2f%%, normal %.2f%% (waited <= %.1f ms), low %.2f%% (waited <= %.1f ms), limit %.1f ms\n",
		 sh, s1, ms(l1->lane[0].max_wait), s2,
		 ms(l2->lane[0].max_wait), ms(limit));
	igt_assert_lte(l1->lane[0].max_wait, limit);
	igt_assert_lte(l2->lane[0].max_wait, limit);
	igt_assert(s1 >= 3.0 && s2 >= 3.0);
	igt_assert(sh >= 85.0);
	sim_done(sim);
}

static void high_priority_goes_first(void *data)
{
	struct sim_load light = {
		.kind = SIM_PERIODIC, .len_min = 300 * SIM_US,
		.len_max = 700 * SIM_US, .period = 23100 * SIM_US,
	};
	struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, 0);
	struct sim_entity *h = add(sim, 1, VSCHED_PRIO_HIGH);
	unsigned int i;

	/* Heavier normal entities with credit: priority, not weight, wins. */
	for (i = 0; i < 3; i++)
		sim_saturate(sim, add(sim, 800, VSCHED_PRIO_NORMAL), 0, 0);
	sim_set_load(sim, h, 0, &light);
	sim_run(sim, 10 * SIM_S);
	igt_info("high-priority light entity of weight 1: waited at most %.3f ms, %llu workloads\n",
		 ms(h->lane[0].max_wait),
		 (unsigned long long)h->lane[0].completed);
	igt_assert_lte(h->lane[0].max_wait, SLICE);
	igt_assert(h->lane[0].completed >= 10 * SIM_S / light.period - 1);
	sim_done(sim);
}

static void idle_entity_no_hoarding(void *data)
{
	struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, BOUNDARY);
	struct sim_entity *a = add(sim, 100, VSCHED_PRIO_NORMAL);
	struct sim_entity *b = add(sim, 100, VSCHED_PRIO_NORMAL);
	struct sim_load load = {
		.kind = SIM_SATURATE, .len_min = 100 * SIM_US,
		.len_max = 2 * SIM_MS, .stop = SIM_S,
	};
	u64 t = 10 * SIM_S, a0, limit, wait_limit;

	/* a runs for a second, then idles for nine while b keeps going. */
	sim_set_load(sim, a, 0, &load);
	sim_saturate(sim, b, 0, 0);
	sim_run(sim, t);
	load.start = t;
	load.stop = 0;
	sim_set_load(sim, a, 0, &load);
	sim_reset_observations(sim);
	a0 = a->lane[0].busy;
	sim_run(sim, t + SIM_S);
	limit = SIM_S / 2 + VSCHED_SLICE_DEFAULT_NS + SLICE + 2 * BOUNDARY;
	wait_limit = 2 * (SLICE + BOUNDARY);
	igt_info("after 9 s idle: %.2f ms of the next 1000 ms (fair 500, limit %.2f); the busy one waited at most %.2f ms\n",
		 ms(a->lane[0].busy - a0), ms(limit),
		 ms(b->lane[0].max_wait));
	igt_assert_lte(a->lane[0].busy - a0, limit);
	igt_assert_lte(b->lane[0].max_wait, wait_limit);
	sim_done(sim);
}

static void watchdog_kills_only_overstayer(void *data)
{
	struct vsched_params p;
	struct sim *sim;
	struct sim_entity *ent[3];
	u64 budget = 50 * SIM_MS, hang_at = SIM_S, b0[3], b1[3], t;
	unsigned int i, e;
	double err;
	static const u32 same[] = { 1, 1, 1 };

	vsched_params_init(&p);
	p.watchdog_ns = budget;
	sim = sim_create(2, &p, BOUNDARY, 7);
	igt_assert(sim);
	for (i = 0; i < 3; i++) {
		ent[i] = add(sim, 100, VSCHED_PRIO_NORMAL);
		sim_saturate(sim, ent[i], 0, 0);
		sim_saturate(sim, ent[i], 1, 0);
	}
	ent[0]->lane[0].load.hang_at = hang_at;
	sim_run(sim, 3 * SIM_S);

	igt_info("hang began at %.3f ms, killed at %.3f ms (budget %.0f ms)\n",
		 ms(ent[0]->lane[0].hang_begin), ms(ent[0]->kill_time),
		 ms(budget));
	igt_assert_eq(ent[0]->kills, 1);
	t = ent[0]->kill_time - ent[0]->lane[0].hang_begin;
	igt_assert_eq(t, budget);
	for (i = 0; i < 3; i++) {
		for (e = 0; e < 2; e++) {
			struct vsched_stats st;

			vsched_entity_stats(&sim->sched, &ent[i]->se, e, &st);
			igt_assert_eq(st.resets, i == 0 ? 1 : 0);
			igt_assert_eq(st.workloads_killed,
				      i == 0 ? ent[0]->lane[e].killed : 0);
			igt_assert(st.workloads_completed > 0);
		}
		igt_assert_eq(ent[i]->kills, i == 0 ? 1 : 0);
	}
	/* The hang is in the engine-0 lane; nothing else was killed. */
	igt_assert_eq(ent[0]->lane[0].killed, 1);
	for (i = 1; i < 3; i++) {
		igt_assert_eq(ent[i]->lane[0].killed, 0);
		igt_assert_eq(ent[i]->lane[1].killed, 0);
		igt_info("entity %u waited at most %.1f ms on engine 0\n", i,
			 ms(ent[i]->lane[0].max_wait));
		igt_assert_lte(ent[i]->lane[0].max_wait,
			       budget + 2 * (SLICE + BOUNDARY));
	}
	/* Afterwards, the three share engine 0 evenly again. */
	sim_busy(sim, 0, b0);
	sim_run(sim, sim->now + 5 * SIM_S);
	sim_busy(sim, 0, b1);
	err = sim_share_error_pp(b0, b1, same, 3);
	igt_info("after the reset: share error %.3f pp\n", err);
	igt_assert_f(err <= 2.0, "%.3f pp\n", err);
	sim_done(sim);
}

static void watchdog_counts_engine_time(void *data)
{
	struct vsched_params p;
	struct sim_load long_wl = {
		.kind = SIM_SATURATE, .len_min = 40 * SIM_MS,
		.len_max = 40 * SIM_MS, .budget = 50 * SIM_MS,
	};
	struct sim_load too_long = long_wl;
	struct sim *sim;
	struct sim_entity *w, *x;
	struct vsched_stats st;
	unsigned int i;

	vsched_params_init(&p);
	sim = sim_create(1, &p, BOUNDARY, 3);
	igt_assert(sim);
	for (i = 0; i < 3; i++)
		sim_saturate(sim, add(sim, 100, VSCHED_PRIO_NORMAL), 0, 0);
	/* 40 ms of engine time per workload, spread over ~200 ms of wall. */
	w = add(sim, 100, VSCHED_PRIO_NORMAL);
	sim_set_load(sim, w, 0, &long_wl);
	/* 60 ms per workload against a 50 ms budget: always killed. */
	too_long.len_min = 60 * SIM_MS;
	too_long.len_max = 60 * SIM_MS;
	x = add(sim, 100, VSCHED_PRIO_NORMAL);
	sim_set_load(sim, x, 0, &too_long);
	sim_run(sim, 5 * SIM_S);

	vsched_entity_stats(&sim->sched, &w->se, 0, &st);
	igt_info("40 ms workloads, 50 ms budget: %llu completed, %llu killed\n",
		 (unsigned long long)st.workloads_completed,
		 (unsigned long long)st.workloads_killed);
	igt_assert(st.workloads_completed >= 10);
	igt_assert_eq(st.workloads_killed, 0);
	vsched_entity_stats(&sim->sched, &x->se, 0, &st);
	igt_info("60 ms workloads, 50 ms budget: %llu completed, %llu killed\n",
		 (unsigned long long)st.workloads_completed,
		 (unsigned long long)st.workloads_killed);
	igt_assert_eq(st.workloads_completed, 0);
	igt_assert(st.workloads_killed >= 10);
	igt_assert_eq(st.resets, st.workloads_killed);
	sim_done(sim);
}

/* Engine 0: three entities 1:3:0; engine 1 busy or idle per @busy1. */
static void run_two_engines(bool busy1, u64 *busy0, u64 *busy1_out)
{
	struct sim_load light = {
		.kind = SIM_PERIODIC, .len_min = SIM_MS, .len_max = 3 * SIM_MS,
		.period = 9 * SIM_MS,
	};
	struct sim *sim = sim_new(2, VSCHED_BEST_EFFORT, BOUNDARY);
	struct sim_entity *a = add(sim, 1, VSCHED_PRIO_NORMAL);
	struct sim_entity *b = add(sim, 3, VSCHED_PRIO_NORMAL);
	struct sim_entity *c = add(sim, 5, VSCHED_PRIO_NORMAL);

	sim_saturate(sim, a, 0, 0);
	sim_saturate(sim, b, 0, 0);
	if (busy1) {
		sim_saturate(sim, a, 1, 0);
		sim_set_load(sim, c, 1, &light);
	}
	sim_run(sim, 10 * SIM_S);
	sim_busy(sim, 0, busy0);
	sim_busy(sim, 1, busy1_out);
	sim_done(sim);
}

static void two_engines_independent(void *data)
{
	u64 alone0[3], alone1[3], both0[3], both1[3];
	unsigned int i;

	run_two_engines(false, alone0, alone1);
	run_two_engines(true, both0, both1);
	for (i = 0; i < 3; i++) {
		igt_info("entity %u: engine 0 %.3f ms (other engine idle) / %.3f ms (busy); engine 1 %.3f ms\n",
			 i, ms(alone0[i]), ms(both0[i]), ms(both1[i]));
		igt_assert_eq(alone0[i], both0[i]);
	}
	igt_assert(pct(both0[0], 10 * SIM_S) >= 23.0 &&
		   pct(both0[0], 10 * SIM_S) <= 27.0);
	/* Engine 1: entity 0 alone with a light one: it gets the rest. */
	igt_assert_eq(both1[0] + both1[2], 10 * SIM_S);
	igt_assert(both1[2] > 0 && both1[1] == 0);
}

static void preemption_at_slice_end(void *data)
{
	u64 boundaries[] = { 0, BOUNDARY };
	unsigned int k;

	for (k = 0; k < 2; k++) {
		struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, boundaries[k]);
		struct sim_entity *a = add(sim, 100, VSCHED_PRIO_NORMAL);
		struct sim_entity *b = add(sim, 100, VSCHED_PRIO_NORMAL);
		struct sim_engine *eng = &sim->eng[0];

		sim_saturate(sim, a, 0, 0);
		sim_run(sim, SIM_S);
		igt_info("alone for 1 s: %llu runs, %llu preemption requests\n",
			 (unsigned long long)eng->runs,
			 (unsigned long long)eng->preempt_requests);
		igt_assert_eq(eng->preempt_requests, 0);
		igt_assert_eq(eng->runs, 1);

		sim_saturate(sim, b, 0, sim->now);
		sim_run(sim, sim->now + BALANCE);
		sim_reset_observations(sim);
		sim_run(sim, sim->now + 2 * SIM_S);
		igt_info("boundary %.1f ms: %llu preemption requests, %llu off a slice boundary, issued after %.3f..%.3f ms of running, runs %.3f..%.3f ms\n",
			 ms(boundaries[k]),
			 (unsigned long long)eng->preempt_requests,
			 (unsigned long long)eng->issue_unaligned,
			 ms(eng->issue_min), ms(eng->issue_max),
			 ms(eng->run_min), ms(eng->run_max));
		/* Always at the end of a slice, never in the middle. */
		igt_assert_eq(eng->issue_unaligned, 0);
		igt_assert_eq(eng->issue_min, SLICE);
		igt_assert_lte(eng->issue_max, 2 * SLICE);
		igt_assert_lte(SLICE, eng->run_min);
		igt_assert_lte(eng->run_max, eng->issue_max + boundaries[k]);
		if (!boundaries[k]) {
			/* Equal charges: strict alternation, one slice each. */
			igt_assert_eq(eng->issue_max, SLICE);
			igt_assert_eq(eng->preempt_requests, 2 * SIM_S / SLICE);
		}
		sim_done(sim);
	}
}

static void slice_length_configurable(void *data)
{
	static const u64 slices[] = { SIM_MS, 20 * SIM_MS };
	struct vsched_params p;
	unsigned int k;

	for (k = 0; k < 2; k++) {
		struct sim *sim;
		struct sim_engine *eng;

		vsched_params_init(&p);
		p.slice_ns = slices[k];
		p.credit_ns = slices[k];
		sim = sim_create(1, &p, 0, 5);
		igt_assert(sim);
		eng = &sim->eng[0];
		sim_saturate(sim, add(sim, 100, VSCHED_PRIO_NORMAL), 0, 0);
		sim_saturate(sim, add(sim, 100, VSCHED_PRIO_NORMAL), 0, 0);
		sim_run(sim, SIM_S);
		igt_info("slice %.0f ms: runs %.3f..%.3f ms\n", ms(slices[k]),
			 ms(eng->run_min), ms(eng->run_max));
		igt_assert_eq(eng->run_min, slices[k]);
		igt_assert_eq(eng->run_max, slices[k]);

		/* Changed at run time: the next slice has the new length. */
		p.slice_ns = 2 * SIM_MS;
		p.credit_ns = 2 * SIM_MS;
		igt_assert_eq(vsched_set_params(&sim->sched, &p), 0);
		/* An entity ahead by one old slice catches up first. */
		sim_run(sim, sim->now + BALANCE);
		sim_reset_observations(sim);
		sim_run(sim, sim->now + SIM_S);
		igt_info("changed to 2 ms: runs %.3f..%.3f ms\n",
			 ms(eng->run_min), ms(eng->run_max));
		igt_assert_eq(eng->run_min, 2 * SIM_MS);
		igt_assert_eq(eng->run_max, 2 * SIM_MS);
		sim_done(sim);
	}
}

static void priority_change(void *data)
{
	struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, BOUNDARY);
	struct sim_entity *a = add(sim, 100, VSCHED_PRIO_NORMAL);
	struct sim_entity *b = add(sim, 100, VSCHED_PRIO_NORMAL);
	static const u32 same[] = { 1, 1 };
	u64 a0, t;
	double err, sa;

	sim_saturate(sim, a, 0, 0);
	sim_saturate(sim, b, 0, 0);
	sim_run(sim, 2 * SIM_S);
	igt_assert_eq(vsched_entity_set_priority(&sim->sched, &a->se,
						 VSCHED_PRIO_HIGH), 0);
	t = sim->now;
	sim_run(sim, t + SLICE + BOUNDARY);
	a0 = a->lane[0].busy;
	sim_run(sim, t + 5 * SIM_S);
	sa = pct(a->lane[0].busy - a0, 5 * SIM_S - SLICE - BOUNDARY);
	igt_info("raised to high priority: %.2f%%\n", sa);
	igt_assert(sa >= 90.0);

	igt_assert_eq(vsched_entity_set_priority(&sim->sched, &a->se,
						 VSCHED_PRIO_NORMAL), 0);
	sim_run(sim, sim->now + BALANCE);
	err = run_shares(sim, sim->now + 5 * SIM_S, same, 2);
	igt_info("back to normal: share error %.3f pp\n", err);
	igt_assert_f(err <= 2.0, "%.3f pp\n", err);
	sim_done(sim);
}

static void cap_change(void *data)
{
	struct sim *sim = sim_new(1, VSCHED_FIXED_SHARE, BOUNDARY);
	struct sim_entity *a = add(sim, 100, VSCHED_PRIO_NORMAL);
	u64 a0, t0;
	double sa;

	igt_assert_eq(vsched_entity_set_cap(&sim->sched, &a->se, 5000), 0);
	sim_saturate(sim, a, 0, 0);
	sim_run(sim, 2 * SIM_S);
	igt_assert_eq(vsched_entity_set_cap(&sim->sched, &a->se, 1000), 0);
	sim_run(sim, sim->now + BALANCE);
	a0 = a->lane[0].busy;
	t0 = sim->now;
	sim_run(sim, t0 + 5 * SIM_S);
	sa = pct(a->lane[0].busy - a0, 5 * SIM_S);
	igt_info("cap lowered from 50%% to 10%%: %.3f%%\n", sa);
	/* The window bound: cap * W plus the budget the entity can hold. */
	igt_assert_lte(a->lane[0].busy - a0,
		       5 * SIM_S / 10 + 2 * SLICE + BOUNDARY);
	igt_assert(sa >= 9.5);
	sim_done(sim);
}

static void policy_change(void *data)
{
	static const u32 w[] = { 1, 2, 4, 8 };
	static const u32 same[] = { 1, 1, 1, 1 };
	struct vsched_params p;
	struct sim *sim = sim_new(1, VSCHED_BEST_EFFORT, BOUNDARY);
	unsigned int i;
	double err;

	for (i = 0; i < 4; i++)
		sim_saturate(sim, add(sim, w[i], VSCHED_PRIO_NORMAL), 0, 0);
	sim_run(sim, 2 * SIM_S);
	p = sim->sched.params;
	p.policy = VSCHED_EQUAL_SHARE;
	igt_assert_eq(vsched_set_params(&sim->sched, &p), 0);
	sim_run(sim, sim->now + BALANCE);
	err = run_shares(sim, sim->now + 5 * SIM_S, same, 4);
	igt_info("switched to equal-share: error %.3f pp\n", err);
	igt_assert_f(err <= 2.0, "%.3f pp\n", err);

	p.policy = VSCHED_BEST_EFFORT;
	igt_assert_eq(vsched_set_params(&sim->sched, &p), 0);
	sim_run(sim, sim->now + BALANCE);
	err = run_shares(sim, sim->now + 10 * SIM_S, w, 4);
	igt_info("back to best-effort: error %.3f pp\n", err);
	igt_assert_f(err <= 2.0, "%.3f pp\n", err);
	sim_done(sim);
}

static const struct igt_subtest subtests[] = {
	{ "weighted-shares-1-2-4-8", weighted_shares,
	  "Saturating entities with weights 1:2:4:8 get shares within 2 pp." },
	{ "accounting-matches-engine-time", accounting_matches,
	  "Per-entity busy time and workload counts equal what the engines did." },
	{ "light-entity-waits-at-most-one-slice", light_entity_waits_one_slice,
	  "A light periodic entity waits at most one slice (plus the boundary delay)." },
	{ "light-entity-cuts-slice-short", light_entity_cuts_slice_short,
	  "A light entity behind the others waits at most a quarter slice (plus the boundary)." },
	{ "fixed-share-cap-holds-alone", fixed_share_cap_alone,
	  "A capped entity alone stays at its cap; the engine idles." },
	{ "fixed-share-weight-caps", fixed_share_weight_caps,
	  "Fixed-share caps each entity at its weight share even when others idle." },
	{ "fixed-share-all-busy-matches-weights", fixed_share_all_busy,
	  "Fixed-share with every entity busy divides the engine by weight." },
	{ "fixed-share-explicit-caps", fixed_share_explicit_caps,
	  "Explicit caps hold against a busy uncapped entity." },
	{ "best-effort-work-conserving", best_effort_work_conserving,
	  "Best-effort ignores caps and never idles with work pending." },
	{ "equal-share", equal_share,
	  "Equal-share gives equal shares whatever the weights." },
	{ "sixty-four-entities", sixty_four_entities,
	  "64 saturating entities get weighted shares and bounded waits." },
	{ "thirty-two-entities-two-engines", thirty_two_entities_two_engines,
	  "32 entities on two engines get weighted shares on each." },
	{ "weight-change-within-balance-period", weight_change,
	  "A weight change shows within one balance period." },
	{ "new-entity-no-starvation", new_entity_no_starvation,
	  "A new entity starts level: it neither starves nor is starved." },
	{ "low-priority-not-starved", low_priority_not_starved,
	  "Lower priorities get a slice at least once per balance period." },
	{ "high-priority-goes-first", high_priority_goes_first,
	  "A high-priority light entity runs within one slice." },
	{ "idle-entity-no-credit-hoarding", idle_entity_no_hoarding,
	  "An entity back from idle is owed at most credit_ns." },
	{ "watchdog-kills-only-overstaying-entity", watchdog_kills_only_overstayer,
	  "A hung workload is killed at its budget and only its entity is reset." },
	{ "watchdog-counts-engine-time", watchdog_counts_engine_time,
	  "The watchdog budget is engine time, not wall time." },
	{ "two-engines-independent", two_engines_independent,
	  "One engine's decisions do not depend on another's load." },
	{ "preemption-at-slice-end", preemption_at_slice_end,
	  "Preemption is requested exactly at slice end, never for a lone entity." },
	{ "slice-length-configurable", slice_length_configurable,
	  "Slices follow the configured length, also when changed at run time." },
	{ "priority-change-at-runtime", priority_change,
	  "Priority changes take effect at once and can be undone." },
	{ "cap-change-at-runtime", cap_change,
	  "A lowered cap holds from the next balance period." },
	{ "policy-change-at-runtime", policy_change,
	  "Switching policy re-divides the engine within a balance period." },
};

IGT_TEST_MAIN("vsched under a virtual-clock simulation", subtests);
