package caravan.limits;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What ended calls give back to Redis (budget settlements, token corrections, in-flight slots), gathered
 * until the next flush and then sent as few {@code finish.lua} calls, each key in them once. Under load many
 * calls end within a few milliseconds, mostly under the same keys: one script per window instead of one per
 * call is most of what a keyed call costs Redis and the gateway's connection to it.
 *
 * <p>Returns of one key add up: a settlement's release and spend are sums (the account's arithmetic is
 * addition), a correction's delta too (a bucket's refill does not depend on when a correction lands within a
 * window), the latest forget-at and limit win, and the request ids that leave one in-flight set are listed.
 * Holding a return back for the window only errs on the safe side: a reservation or an in-flight slot is
 * held a little longer, and a token correction (mostly a refund of an over-estimate) lands a little later.
 */
final class PendingFinishes {

    /** Keys per script call: a window with more (many distinct keys) is sent as several calls. */
    static final int MAX_KEYS_PER_CALL = 256;

    private Map<String, Settled> settlements = new LinkedHashMap<>();
    private Map<String, Corrected> corrections = new LinkedHashMap<>();
    private Map<String, List<String>> leaves = new LinkedHashMap<>();

    /**
     * Adds one call's returns (keys already prefixed). Returns true when nothing was pending before: the
     * caller schedules the flush.
     */
    synchronized boolean add(List<Settlement> settled, List<Correction> corrected, List<String> inFlightKeys, String requestId) {
        boolean wasEmpty = isEmpty();
        for (Settlement settlement : settled) {
            settlements.merge(settlement.key(), new Settled(settlement.releaseNanoUsd(), settlement.spentNanoUsd(), settlement.forgetAt()),
                    (before, now) -> new Settled(before.release + now.release, before.spent + now.spent, later(before.forgetAt, now.forgetAt)));
        }
        for (Correction correction : corrected) {
            corrections.merge(correction.key(), new Corrected(correction.limit(), correction.delta()),
                    (before, now) -> new Corrected(now.limit, before.delta + now.delta));
        }
        for (String key : inFlightKeys) {
            leaves.computeIfAbsent(key, k -> new ArrayList<>(4)).add(requestId);
        }
        return wasEmpty && !isEmpty();
    }

    synchronized boolean isEmpty() {
        return settlements.isEmpty() && corrections.isEmpty() && leaves.isEmpty();
    }

    /** Everything pending, as the {@code finish.lua} calls that give it back; nothing is pending after. */
    List<Call> drain() {
        Map<String, Settled> settled;
        Map<String, Corrected> corrected;
        Map<String, List<String>> left;
        synchronized (this) {
            settled = settlements;
            corrected = corrections;
            left = leaves;
            settlements = new LinkedHashMap<>();
            corrections = new LinkedHashMap<>();
            leaves = new LinkedHashMap<>();
        }
        corrected.values().removeIf(correction -> correction.delta == 0);
        List<Call> calls = new ArrayList<>(1);
        Call call = new Call();
        for (Map.Entry<String, Settled> entry : settled.entrySet()) {
            call = roomFor(call, calls);
            call.settle(entry.getKey(), entry.getValue());
        }
        for (Map.Entry<String, Corrected> entry : corrected.entrySet()) {
            call = roomFor(call, calls);
            call.correct(entry.getKey(), entry.getValue());
        }
        for (Map.Entry<String, List<String>> entry : left.entrySet()) {
            call = roomFor(call, calls);
            call.leave(entry.getKey(), entry.getValue());
        }
        if (!call.keys.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    private static Call roomFor(Call call, List<Call> calls) {
        if (call.keys.size() < MAX_KEYS_PER_CALL) {
            return call;
        }
        calls.add(call);
        return new Call();
    }

    /** PEXPIREAT's argument ('' for never): the later of two, never winning over a kept-for-good account. */
    private static String later(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return "";
        }
        return Long.parseLong(a) >= Long.parseLong(b) ? a : b;
    }

    /** A reservation ended under {@code key}: minus what it held, what it spent, when to forget the account. */
    record Settlement(String key, long releaseNanoUsd, long spentNanoUsd, String forgetAt) {
    }

    /** A bucket under {@code key} corrected by {@code delta} tokens (positive takes more). */
    record Correction(String key, long limit, long delta) {
    }

    private record Settled(long release, long spent, String forgetAt) {
    }

    private record Corrected(long limit, long delta) {
    }

    /**
     * One {@code finish.lua} call: settlements, then corrections, then in-flight sets, in the script's order.
     * Filled in that order by {@link #drain}, so each section's count is simply how many were added.
     */
    static final class Call {
        final List<String> keys = new ArrayList<>();
        private final List<String> settleArgs = new ArrayList<>();
        private final List<String> correctArgs = new ArrayList<>();
        private final List<String> leaveArgs = new ArrayList<>();
        private int settles;
        private int corrections;
        private int leaves;

        private void settle(String key, Settled settled) {
            keys.add(key);
            settleArgs.add(Long.toString(settled.release));
            settleArgs.add(Long.toString(settled.spent));
            settleArgs.add(settled.forgetAt);
            settles++;
        }

        private void correct(String key, Corrected corrected) {
            keys.add(key);
            correctArgs.add(Long.toString(corrected.limit));
            correctArgs.add(Long.toString(corrected.delta));
            corrections++;
        }

        private void leave(String key, List<String> requestIds) {
            keys.add(key);
            leaveArgs.add(Integer.toString(requestIds.size()));
            leaveArgs.addAll(requestIds);
            leaves++;
        }

        /** The script's arguments: the three counts, then each section's. */
        List<String> args() {
            List<String> args = new ArrayList<>(3 + settleArgs.size() + correctArgs.size() + leaveArgs.size());
            args.add(Integer.toString(settles));
            args.add(Integer.toString(corrections));
            args.add(Integer.toString(leaves));
            args.addAll(settleArgs);
            args.addAll(correctArgs);
            args.addAll(leaveArgs);
            return args;
        }
    }
}
