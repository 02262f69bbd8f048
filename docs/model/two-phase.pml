/*
 * Two-phase commit as Pledge's coordinator and participants run it (docs/protocol-2pc.md).
 *
 * One coordinator with a durable decision log, two participants whose YES is a PostgreSQL prepared
 * transaction (durable, holding its locks). Faults, chosen with -D when the model is generated:
 *   CRASH      the coordinator may crash at any step between its actions
 *   RECOVERY   a crashed coordinator comes back, reads its log and finishes (presumed abort)
 *   PARTITION  any message may be lost; the coordinator times out and re-sends
 *
 * Checked (see ProtocolModelsIT):
 *   - atomicity: no participant commits while another aborts, under every fault combination;
 *   - a participant commits only after the coordinator logged COMMIT (decision logged before sent);
 *   - with CRASH and no RECOVERY a prepared participant can wait forever: spin reports an invalid
 *     end state, which is 2PC's blocking;
 *   - with CRASH and RECOVERY no participant is left stuck (no invalid end state).
 */

#define N 2

/* names: messages and replies (Message; YES and NO are the Voted event, ACK the Acked one) */
mtype = { PREPARE, YES, NO, COMMIT, ABORT, ACK };

/* names: branch states (BranchState, as in Lamport's TwoPhase) */
#define working   0
#define prepared  1
#define committed 2
#define aborted   3

/* names: the coordinator's log (TxState) */
#define preparing 0
#define committing 1
#define aborting  2

byte part[N];
byte logged = preparing;
bool coordUp = true;

chan toPart[N] = [2] of { mtype };
chan toCoord = [4] of { mtype, byte };

/* atomicity, checked at the only two places a participant ends: no one commits beside an abort */
#define BECOME_COMMITTED(i) assert(part[0] != aborted && part[1] != aborted); part[i] = committed
#define BECOME_ABORTED(i) assert(part[0] != committed && part[1] != committed); part[i] = aborted

/* a send that a full buffer or (under PARTITION) the network may drop; senders re-send on timeout */
#ifdef PARTITION
#define SEND(c, m) atomic { if :: nfull(c) -> c!m :: skip fi }
#define REPLY(m, i) atomic { if :: nfull(toCoord) -> toCoord!m, i :: skip fi }
#else
#define SEND(c, m) atomic { if :: nfull(c) -> c!m :: full(c) -> skip fi }
#define REPLY(m, i) atomic { if :: nfull(toCoord) -> toCoord!m, i :: full(toCoord) -> skip fi }
#endif

/* crashes of the coordinator, its restarts included, are bounded to keep the state space small */
#ifndef MAXCRASH
#define MAXCRASH 2
#endif
byte crashes = 0;

#ifdef CRASH
#define MAYBE_CRASH if :: crashes < MAXCRASH -> crashes++; goto crashed :: skip fi
#else
#define MAYBE_CRASH skip
#endif

/* the second phase: send the logged decision until every participant acknowledged it */
inline phaseTwo() {
    acked[0] = false;
    acked[1] = false;
    do
    :: acked[0] && acked[1] -> break
    :: else ->
        i = 0;
        do
        :: i < N && !acked[i] -> SEND(toPart[i], decision); MAYBE_CRASH; i++
        :: i < N && acked[i] -> i++
        :: i == N -> break
        od;
        do
        :: toCoord?ACK, from -> acked[from] = true
        :: toCoord?YES, from -> skip   /* a late or repeated vote */
        :: toCoord?NO, from -> skip
        :: acked[0] && acked[1] -> break
        :: timeout -> break            /* re-send to whoever has not acknowledged */
        od
    od
}

active proctype Coordinator() {
    bool voted[N];
    bool acked[N];
    byte yes = 0, votes = 0, i = 0, from;
    mtype decision;

    /* the transaction is logged PREPARING; prepare goes to every participant */
    do
    :: i < N -> SEND(toPart[i], PREPARE); MAYBE_CRASH; i++
    :: i == N -> break
    od;
    do
    :: votes == N -> break
    :: votes < N ->
        if
        :: toCoord?YES, from -> if :: !voted[from] -> voted[from] = true; votes++; yes++ :: else -> skip fi
        :: toCoord?NO, from -> if :: !voted[from] -> voted[from] = true; votes++ :: else -> skip fi
        :: toCoord?ACK, from -> skip
        :: timeout -> break            /* a vote that does not come counts as NO */
        fi
    od;
    MAYBE_CRASH;
    /* the decision is forced to the log before it is sent */
    if
    :: yes == N -> logged = committing; decision = COMMIT
    :: else -> logged = aborting; decision = ABORT
    fi;
    MAYBE_CRASH;
    phaseTwo();
    goto finished;
crashed:
    coordUp = false;
finished:
    skip
}

#ifdef RECOVERY
/* the coordinator restarted: an undecided (preparing) transaction is aborted (presumed abort), a decided one re-sent */
active proctype Recovery() {
    bool acked[N];
    byte i, from;
    mtype decision;
end_idle:
    !coordUp;
restart:
    atomic {
        if
        :: logged == preparing -> logged = aborting
        :: else -> skip
        fi;
        decision = (logged == committing -> COMMIT : ABORT)
    }
    phaseTwo();
    goto finished;
crashed:
    goto restart;   /* it may crash again; each restart starts from the log */
finished:
    skip
}
#endif

proctype Participant(byte i) {
    /* working: the branch runs; it may abort on its own until it votes */
end_working:
    do
    :: toPart[i]?PREPARE ->
        if
        :: part[i] = prepared; REPLY(YES, i); goto ready
        :: BECOME_ABORTED(i); REPLY(NO, i); goto end_done
        fi
    :: toPart[i]?ABORT -> BECOME_ABORTED(i); REPLY(ACK, i); goto end_done
    :: timeout -> BECOME_ABORTED(i); goto end_done   /* its prepare wait budget lapsed */
    od;
    /* prepared: holds its locks; only the coordinator's decision ends it (no end label: waiting here forever is blocking) */
ready:
    do
    :: toPart[i]?PREPARE -> REPLY(YES, i)
    :: toPart[i]?COMMIT -> assert(logged == committing); BECOME_COMMITTED(i); REPLY(ACK, i); goto end_done
    :: toPart[i]?ABORT -> assert(logged == aborting); BECOME_ABORTED(i); REPLY(ACK, i); goto end_done
    od;
end_done:
    do
    :: toPart[i]?PREPARE -> REPLY(NO, i)
    :: toPart[i]?COMMIT -> assert(part[i] == committed); REPLY(ACK, i)
    :: toPart[i]?ABORT -> assert(part[i] == aborted); REPLY(ACK, i)
    od
}

init {
    atomic {
        run Participant(0);
        run Participant(1)
    }
}
