package caravan.api;

/**
 * A client stream that passes everything on to the one it wraps: the base for a step that looks at (or
 * rewrites) a stream's chunks on their way to the client. Install it in the step that comes before the
 * model call: {@code exchange.setVariable(Variables.CLIENT, new MyCheck(exchange.getVariable(Variables.CLIENT,
 * ClientStream.class)))}; override {@link #sendChunk} and {@link #newAttempt} (to forget a failed attempt).
 */
public abstract class ForwardingClientStream implements ClientStream {

    protected final ClientStream next;

    protected ForwardingClientStream(ClientStream next) {
        this.next = next;
    }

    @Override
    public boolean committed() {
        return next.committed();
    }

    @Override
    public void sendChunk(ChatChunk chunk) {
        next.sendChunk(chunk);
    }

    @Override
    public void completeStream(Usage usage) {
        next.completeStream(usage);
    }

    @Override
    public void failStream(GatewayException error) {
        next.failStream(error);
    }

    @Override
    public boolean writeQueueFull() {
        return next.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        next.onDrain(resume);
    }

    @Override
    public void onClientGone(Runnable listener) {
        next.onClientGone(listener);
    }

    @Override
    public void newAttempt() {
        next.newAttempt();
    }
}
