/*
 * objtable: P "VMM threads" sharing a table of K refcounted objects,
 * one table lock, and a global live-object counter bounded by M.
 *
 * Exact, tool-neutral specification: bench/MODEL.md (luocheck's own
 * implementation is bench/objtable.ts); this file must stay step-for-step
 * identical to it: test/bench/spin.test.ts compares SPIN's counts with the
 * spec's and luocheck's.
 *
 * Parameters (override with spin -DP=.. -DK=.. -DM=..):
 *   P  number of threads          1..8
 *   K  number of object slots     1..8
 *   M  live-object quota          1..K   (M <= K is required: it is what
 *                                          guarantees a reserved thread finds
 *                                          a free slot; see MODEL.md)
 *
 * Modelling rules that keep SPIN's "states stored" equal to the number of
 * distinct reachable valuations of the spec's variables:
 *  - all processes exist from the initial state (active proctype, no init,
 *    no run), so there are no process-creation states;
 *  - every process body is one do-loop whose options are all d_steps, so
 *    each action is exactly one transition, no intermediate states are
 *    ever created, and the program counter of every process is always the
 *    loop head (it adds no distinct states);
 *  - the per-thread variables ph[] and obj[] are global arrays indexed by
 *    _pid, and the scratch variables of the invariant check are "hidden"
 *    (not part of the state vector);
 *  - the invariant is asserted at the end of every d_step (no never claim,
 *    no monitor process), so checking it adds no states;
 *  - the model is deadlock-free, so the default invalid-end-state check
 *    passes and the search is never cut short.
 */

#ifndef P
#define P 3
#endif
#ifndef K
#define K 3
#endif
#ifndef M
#define M 2
#endif

/* thread phases */
#define IDLE  0   /* no reservation, no reference, lock not held          */
#define RESV  1   /* holds one unit of the live quota, wants the lock     */
#define LOCKA 2   /* holds quota unit and the lock: about to allocate     */
#define SEEN  3   /* looked obj up without the lock (saw it live)         */
#define LOCKR 4   /* holds the lock: about to re-check obj and take a ref */
#define HOLD  5   /* holds one reference on obj                           */
#define LOCKU 6   /* holds the lock and a reference: about to drop it     */

byte lock = 0;        /* 0 = free, i+1 = held by thread i   */
byte live = 0;        /* global live-object counter, <= M   */
byte rc[K];           /* refcount of slot k, 0 = slot free  */
byte ph[P];           /* phase of thread i                  */
byte obj[P];          /* slot thread i refers to (0 if none)*/

hidden byte ci, cna, cnp, cnh, cnl, csr;

/* Invariant, asserted after every action:
 *  I1 live <= M
 *  I2 live == #{k : rc[k] > 0} + #{i : ph[i] in {RESV,LOCKA}}
 *  I3 sum_k rc[k] == #{i : ph[i] in {HOLD,LOCKU}}
 *  I4 (lock == 0) == (no thread in LOCKA/LOCKR/LOCKU), at most one such thread
 * Compile with spin -DNOINV to leave the check out (pure exploration cost).
 */
#ifdef NOINV
inline check() { skip }
#else
inline check() {
  cna = 0; csr = 0; ci = 0;
  do
  :: ci < K -> cna = cna + (rc[ci] > 0 -> 1 : 0); csr = csr + rc[ci]; ci++
  :: else -> break
  od;
  cnp = 0; cnh = 0; cnl = 0; ci = 0;
  do
  :: ci < P ->
       cnp = cnp + ((ph[ci] == RESV || ph[ci] == LOCKA) -> 1 : 0);
       cnh = cnh + ((ph[ci] == HOLD || ph[ci] == LOCKU) -> 1 : 0);
       cnl = cnl + ((ph[ci] == LOCKA || ph[ci] == LOCKR || ph[ci] == LOCKU) -> 1 : 0);
       ci++
  :: else -> break
  od;
  assert(live <= M && live == cna + cnp && csr == cnh && cnl <= 1 &&
         (lock == 0) == (cnl == 0))
}
#endif

#define ME (_pid)

/* A3 alloc(k): under the lock, take free slot k (per-object step) */
#define ALLOC(k)  :: d_step { ph[ME] == LOCKA && rc[k] == 0 -> \
                      rc[k] = 1; obj[ME] = k; ph[ME] = HOLD; lock = 0; check() }
/* A4 lookup(k): WITHOUT the lock, see that slot k is live (the "check") */
#define LOOKUP(k) :: d_step { ph[ME] == IDLE && rc[k] > 0 -> \
                      obj[ME] = k; ph[ME] = SEEN; check() }
#define SLOT(k) ALLOC(k) LOOKUP(k)

active [P] proctype thread()
{
  do
  /* A1 reserve: lock-free counting step on the global counter */
  :: d_step { ph[ME] == IDLE && live < M ->
                live++; ph[ME] = RESV; check() }
  /* A2 lock_alloc */
  :: d_step { ph[ME] == RESV && lock == 0 ->
                lock = ME + 1; ph[ME] = LOCKA; check() }
  /* A3/A4 for every slot */
#if K > 0
  SLOT(0)
#endif
#if K > 1
  SLOT(1)
#endif
#if K > 2
  SLOT(2)
#endif
#if K > 3
  SLOT(3)
#endif
#if K > 4
  SLOT(4)
#endif
#if K > 5
  SLOT(5)
#endif
#if K > 6
  SLOT(6)
#endif
#if K > 7
  SLOT(7)
#endif
  /* A5 lock_ref */
  :: d_step { ph[ME] == SEEN && lock == 0 ->
                lock = ME + 1; ph[ME] = LOCKR; check() }
  /* A6 ref: re-check under the lock (the "use"); object may have died */
  :: d_step { ph[ME] == LOCKR && rc[obj[ME]] > 0 ->
                rc[obj[ME]]++; ph[ME] = HOLD; lock = 0; check() }
  /* A7 ref_fail: object was destroyed between lookup and lock */
  :: d_step { ph[ME] == LOCKR && rc[obj[ME]] == 0 ->
                obj[ME] = 0; ph[ME] = IDLE; lock = 0; check() }
  /* A8 lock_unref */
  :: d_step { ph[ME] == HOLD && lock == 0 ->
                lock = ME + 1; ph[ME] = LOCKU; check() }
  /* A9 unref: not the last reference */
  :: d_step { ph[ME] == LOCKU && rc[obj[ME]] > 1 ->
                rc[obj[ME]]--; obj[ME] = 0; ph[ME] = IDLE; lock = 0; check() }
  /* A10 destroy: last reference; frees the slot and the quota unit */
  :: d_step { ph[ME] == LOCKU && rc[obj[ME]] == 1 ->
                rc[obj[ME]] = 0; live--; obj[ME] = 0; ph[ME] = IDLE; lock = 0;
                check() }
  od
}
