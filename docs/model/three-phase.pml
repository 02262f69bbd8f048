/*
 * Three-phase commit with its termination protocol, as Pledge runs it (docs/protocol-3pc.md).
 *
 * One coordinator, two participants. A YES is a durable prepared transaction; pre-commit marks it.
 * A prepared participant that suspects its coordinator asks the peers it can reach and decides by
 * TerminationRule: commit if itself or a reachable peer is pre-committed or committed, else abort.
 * Faults, chosen with -D when the model is generated:
 *   CRASH      the coordinator may crash at any step between its actions, and stays down
 *   PARTITION  at any moment the network may cut participant 1 off from the coordinator and from
 *              participant 0; messages across the cut are lost and participant 1 suspects the
 *              coordinator, though it may be alive
 *
 * Suspicion: without a partition the failure detector is accurate and delays are bounded, so a
 * participant suspects the coordinator only once it has crashed and every message in flight has been
 * delivered (Promela's timeout: nothing else can move). Participant 1 behind a cut suspects as soon as
 * nothing else can move, whatever the coordinator's state.
 *
 * Checked (see ProtocolModelsIT):
 *   - with CRASH: atomicity holds and every participant always ends (no invalid end state): 3PC does
 *     not block on a coordinator crash;
 *   - with CRASH and PARTITION: atomicity is violated; the shortest counterexample is kept in
 *     three-phase-partition.trail and explained in docs/protocol-3pc.md.
 */

#define N 2

mtype = { CANCOMMIT, YES, NO, PRECOMMIT, DOCOMMIT, ABORT, ACK };

#define working      0
#define prepared     1
#define precommitted 2
#define committed    3
#define aborted      4

/* the coordinator's log */
#define undecided     0
#define precommitting 1
#define committing    2
#define aborting      3

byte part[N];
byte logged = undecided;
bool coordUp = true;
bool cut = false;       /* participant 1 is cut off from the coordinator and from participant 0 */

chan toPart[N] = [3] of { mtype };
chan toCoord = [6] of { mtype, byte };

#define BECOME_COMMITTED(i) assert(part[0] != aborted && part[1] != aborted); part[i] = committed
#define BECOME_ABORTED(i) assert(part[0] != committed && part[1] != committed); part[i] = aborted

#define REACHABLE(i) (!(cut && (i) == 1))
#define SEND(i, m) atomic { if :: REACHABLE(i) && nfull(toPart[i]) -> toPart[i]!m :: !REACHABLE(i) || full(toPart[i]) -> skip fi }
#define REPLY(m, i) atomic { if :: REACHABLE(i) && nfull(toCoord) -> toCoord!m, i :: !REACHABLE(i) || full(toCoord) -> skip fi }

#ifdef CRASH
#define MAYBE_CRASH if :: goto crashed :: skip fi
#else
#define MAYBE_CRASH skip
#endif

#ifdef PARTITION
#define SUSPECTS(i) (timeout && (!coordUp || (cut && (i) == 1)))
#else
#define SUSPECTS(i) (timeout && !coordUp)
#endif

/* sends m to every participant that has not acknowledged it, until all have; a NO means a participant
   aborted on its own, which ends a pre-commit round (the coordinator then aborts) */
inline round(m) {
    acked[0] = false;
    acked[1] = false;
    refused = false;
    do
    :: (acked[0] && acked[1]) || refused -> break
    :: else ->
        i = 0;
        do
        :: i < N && !acked[i] -> SEND(i, m); MAYBE_CRASH; i++
        :: i < N && acked[i] -> i++
        :: i == N -> break
        od;
        do
        :: toCoord?ACK, from -> acked[from] = true
        :: toCoord?NO, from -> refused = true; break
        :: toCoord?YES, from -> skip     /* a late or repeated vote */
        :: (acked[0] && acked[1]) -> break
        :: timeout -> break              /* re-send to whoever has not acknowledged */
        od
    od
}

active proctype Coordinator() {
    bool voted[N];
    bool acked[N];
    bool refused;
    byte yes = 0, votes = 0, i = 0, from;

    do
    :: i < N -> SEND(i, CANCOMMIT); MAYBE_CRASH; i++
    :: i == N -> break
    od;
    do
    :: votes == N -> break
    :: votes < N ->
        if
        :: toCoord?YES, from -> if :: !voted[from] -> voted[from] = true; votes++; yes++ :: else -> skip fi
        :: toCoord?NO, from -> if :: !voted[from] -> voted[from] = true; votes++ :: else -> skip fi
        :: toCoord?ACK, from -> skip
        :: timeout -> break              /* a vote that does not come counts as NO */
        fi
    od;
    MAYBE_CRASH;
    if
    :: yes == N ->
        logged = precommitting;
        MAYBE_CRASH;
        round(PRECOMMIT);
        if
        :: refused -> logged = aborting   /* someone aborted by termination: no one can have committed */
        :: else -> logged = committing
        fi
    :: else -> logged = aborting
    fi;
    MAYBE_CRASH;
    if
    :: logged == committing -> round(DOCOMMIT)
    :: else -> round(ABORT)
    fi;
    goto finished;
crashed:
    coordUp = false;
finished:
    skip
}

/* the termination protocol: the peer is asked only when reachable; an unreachable peer is left out */
#define PEER_SAYS_COMMIT(i) (REACHABLE(1 - i) && REACHABLE(i) && (part[1 - i] == precommitted || part[1 - i] == committed))
inline terminate(i) {
    atomic {
        if
        :: part[i] == precommitted -> BECOME_COMMITTED(i)
        :: part[i] == prepared && PEER_SAYS_COMMIT(i) -> BECOME_COMMITTED(i)
        :: else -> BECOME_ABORTED(i)
        fi
    }
}

proctype Participant(byte i) {
end_working:
    do
    :: toPart[i]?CANCOMMIT ->
        if
        :: part[i] = prepared; REPLY(YES, i); goto ready
        :: BECOME_ABORTED(i); REPLY(NO, i); goto end_done
        fi
    :: toPart[i]?ABORT -> BECOME_ABORTED(i); REPLY(ACK, i); goto end_done
    :: timeout -> BECOME_ABORTED(i); goto end_done    /* its prepare wait budget lapsed */
    od;
ready:  /* prepared or pre-committed, holding its locks */
    do
    :: toPart[i]?CANCOMMIT -> REPLY(YES, i)
    :: toPart[i]?PRECOMMIT -> part[i] = precommitted; REPLY(ACK, i)
    :: toPart[i]?DOCOMMIT -> BECOME_COMMITTED(i); REPLY(ACK, i); goto end_done
    :: toPart[i]?ABORT -> BECOME_ABORTED(i); REPLY(ACK, i); goto end_done
    :: SUSPECTS(i) -> terminate(i); goto end_done
    od;
end_done:
    do
    :: toPart[i]?CANCOMMIT -> REPLY(NO, i)
    :: toPart[i]?PRECOMMIT -> if :: part[i] == committed -> REPLY(ACK, i) :: else -> REPLY(NO, i) fi
    :: toPart[i]?DOCOMMIT -> assert(part[i] == committed); REPLY(ACK, i)
    :: toPart[i]?ABORT -> assert(part[i] == aborted); REPLY(ACK, i)
    od
}

#ifdef PARTITION
active proctype Network() {
    if
    :: cut = true
    :: skip
    fi
}
#endif

init {
    atomic {
        run Participant(0);
        run Participant(1)
    }
}
