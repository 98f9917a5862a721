package caravan.limits;

import caravan.limits.LimitStore.Account;
import caravan.limits.LimitStore.Reservation;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Budget accounts in this process, in nano-dollars. Each update replaces the account inside its map entry's
 * {@code compute}, so a check and its reservation are one step however many event loops reserve at once.
 */
final class LocalBudgets {

    private final ConcurrentHashMap<String, Held> accounts = new ConcurrentHashMap<>();
    private final long idleMillis;

    LocalBudgets(Duration idle) {
        this.idleMillis = idle.toMillis();
    }

    Reservation reserve(String name, long limit, long amount, boolean clamp, long seedSpent, Instant expiresAt) {
        long now = System.currentTimeMillis();
        Reservation[] reservation = new Reservation[1];
        accounts.compute(name, (key, held) -> {
            Held account = held == null || held.forgotten(now) ? new Held(seedSpent, 0, 0, 0) : held;
            long room = limit - account.spent - account.reserved;
            boolean fits = amount <= room;
            boolean granted = fits || clamp && room > 0;
            long reserved = fits ? amount : granted ? room : 0;
            reservation[0] = new Reservation(granted, reserved, account.spent);
            return kept(new Held(account.spent, account.reserved + reserved, Lifetimes.forgetAtMillis(expiresAt), now), now);
        });
        return reservation[0];
    }

    /** An account this store no longer has is left alone: its next reservation seeds it with the recorded spend. */
    void settle(String name, long reserved, long spent, Instant expiresAt) {
        long now = System.currentTimeMillis();
        accounts.computeIfPresent(name, (key, account) -> account.forgotten(now) ? null : kept(new Held(
                account.spent + spent, Math.max(0, account.reserved - reserved), Lifetimes.forgetAtMillis(expiresAt), now), now));
    }

    Account account(String name) {
        Held held = accounts.get(name);
        return held == null || held.forgotten(System.currentTimeMillis()) ? null : new Account(held.spent, held.reserved);
    }

    /**
     * Drops the accounts whose period has ended, and the idle ones with nothing reserved (their next
     * reservation seeds them again from the spend the database recorded); run off the event loops.
     */
    void forgetIdle(long nowMillis) {
        for (String key : accounts.keySet()) {
            accounts.computeIfPresent(key, (k, account) ->
                    account.forgotten(nowMillis) || account.reserved == 0 && nowMillis - account.usedAt >= idleMillis
                            ? null : account);
        }
    }

    int size() {
        return accounts.size();
    }

    /** An account whose period ended long ago is not kept at all, as Redis drops a key that expires in the past. */
    private static Held kept(Held account, long now) {
        return account.forgotten(now) ? null : account;
    }

    private record Held(long spent, long reserved, long forgetAt, long usedAt) {

        boolean forgotten(long now) {
            return forgetAt <= now;
        }
    }
}
