// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sched_bench: the scheduler's figures from the virtual-clock simulation,
 * as "key: value" lines each preceded by a "# how measured" comment.
 */
#include <stdio.h>

#include "sim.h"

#define SEEDS		5
#define WARMUP		SIM_S
#define MEASURE		(60 * SIM_S)
#define BOUNDARY	(100 * SIM_US)

/* Largest share error of four saturating entities 1:2:4:8, one seed. */
static double share_error(u32 seed)
{
	static const u32 w[] = { 1, 2, 4, 8 };
	struct vsched_params p;
	u64 b0[4], b1[4];
	struct sim *sim;
	unsigned int i;
	double err;

	vsched_params_init(&p);
	sim = sim_create(1, &p, BOUNDARY, seed);
	if (!sim)
		return -1;
	for (i = 0; i < 4; i++) {
		struct sim_entity *ent = sim_add(sim, w[i], VSCHED_PRIO_NORMAL);

		if (!ent)
			return -1;
		sim_saturate(sim, ent, 0, 0);
	}
	sim_run(sim, WARMUP);
	sim_busy(sim, 0, b0);
	sim_run(sim, WARMUP + MEASURE);
	sim_busy(sim, 0, b1);
	err = sim->anomalies ? -1 : sim_share_error_pp(b0, b1, w, 4);
	sim_destroy(sim);
	return err;
}

/*
 * Light entities' periods, one per seed: their wake-ups fall early, late
 * and in between in the saturating entities' slices.
 */
static const u64 light_period_us[] = { 15100, 15900, 16700, 17300, 19100 };

/* Longest wait of a light entity among three saturating ones, in slices. */
static double light_wait_slices(u32 seed)
{
	struct sim_load light = {
		.kind = SIM_PERIODIC, .len_min = 200 * SIM_US,
		.len_max = 500 * SIM_US,
		.period = light_period_us[seed % ARRAY_SIZE(light_period_us)] *
			  SIM_US,
		.start = 500 * SIM_MS,
	};
	static const u32 w[] = { 100, 400, 800 };
	struct vsched_params p;
	struct sim_entity *l;
	struct sim *sim;
	unsigned int i;
	double wait;

	vsched_params_init(&p);
	sim = sim_create(1, &p, BOUNDARY, seed);
	if (!sim)
		return -1;
	for (i = 0; i < 3; i++) {
		struct sim_entity *ent = sim_add(sim, w[i], VSCHED_PRIO_NORMAL);

		if (!ent)
			return -1;
		sim_saturate(sim, ent, 0, 0);
	}
	l = sim_add(sim, 100, VSCHED_PRIO_NORMAL);
	if (!l)
		return -1;
	sim_set_load(sim, l, 0, &light);
	sim_run(sim, light.start + light.period - SIM_MS);
	sim_reset_observations(sim);
	sim_run(sim, WARMUP + MEASURE);
	wait = (double)l->lane[0].max_wait / p.slice_ns;
	if (sim->anomalies)
		wait = -1;
	sim_destroy(sim);
	return wait;
}

/* The "# how measured" lines, in pieces that fit the line length. */
static const char * const share_how[] = {
	"# scheduler: 4 saturating entities, weights 1:2:4:8, one engine, ",
	"5 ms slices, workloads 0.1-2 ms, preemption honoured up to 0.1 ms ",
	"late at a command boundary; largest |busy share - weight share| ",
	"in percentage points over 60 s of virtual time, worst of 5 seeds",
	NULL,
};

static const char * const wait_how[] = {
	"# scheduler: a light entity (0.2-0.5 ms every 15.1, 15.9, 16.7, ",
	"17.3 or 19.1 ms, one per seed) among 3 saturating ones (weights ",
	"1:4:8), same set-up; longest wait from arrival to running, in ",
	"slices, worst of 5 seeds",
	NULL,
};

static void print_how(const char * const *how)
{
	while (*how)
		fputs(*how++, stdout);
	putchar('\n');
}

int main(void)
{
	double worst_err = 0, worst_wait = 0;
	u32 seed;

	for (seed = 1; seed <= SEEDS; seed++) {
		double err = share_error(seed);
		double wait = light_wait_slices(seed);

		if (err < 0 || wait < 0) {
			fprintf(stderr, "sched_bench: simulation failed\n");
			return 1;
		}
		if (err > worst_err)
			worst_err = err;
		if (wait > worst_wait)
			worst_wait = wait;
	}
	print_how(share_how);
	printf("scheduler.sim_share_error_pp: %.2f\n", worst_err);
	print_how(wait_how);
	printf("scheduler.sim_light_wait_max_slices: %.2f\n", worst_wait);
	return 0;
}
