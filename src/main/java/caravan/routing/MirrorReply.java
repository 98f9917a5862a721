package caravan.routing;

import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.GatewayException;
import caravan.api.Reply;
import caravan.api.Usage;

/** The reply of a mirrored call: nobody reads it, so nothing is written; it only bounds the call's time. */
final class MirrorReply implements Reply {

    private final long deadline;
    private int attempts;

    MirrorReply(long timeoutMillis) {
        this.deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    }

    @Override
    public String requestId() {
        return "mirror";
    }

    @Override
    public void upstreamStarted() {
    }

    @Override
    public void upstreamFinished() {
    }

    @Override
    public void attemptStarted() {
        attempts++;
    }

    @Override
    public void serving(String provider, String model) {
    }

    @Override
    public int attempts() {
        return attempts;
    }

    @Override
    public long remainingNanos() {
        return deadline - System.nanoTime();
    }

    @Override
    public boolean committed() {
        return false;
    }

    @Override
    public void sendChunk(ChatChunk chunk) {
    }

    @Override
    public void completeStream(Usage usage) {
    }

    @Override
    public void failStream(GatewayException error) {
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void onDrain(Runnable resume) {
    }

    @Override
    public void onClientClosed(Runnable cancel) {
    }

    @Override
    public void onAnswered(Consumer<String> listener) {
    }
}
