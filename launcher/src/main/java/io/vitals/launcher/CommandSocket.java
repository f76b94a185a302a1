package io.vitals.launcher;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A running {@code serve} answers one-shot commands given on the same home, so {@code bin/vitals kpi:compute nps}
 * beside it starts no second framework: the command goes over a Unix socket in {@code data/serve/}, a folder
 * only the serve's user may enter (the file system is the authentication), and the serve runs it as a
 * one-shot would, sending back its output and exit code. Only namespaced commands ({@code kpi:compute},
 * {@code connector:sync}) are sent; anything else, or no serve, runs in a process of its own.
 */
final class CommandSocket implements AutoCloseable {

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    private CommandSocket(Path socket, ServerSocketChannel server, Thread acceptor) {
        this.socket = socket;
        this.server = server;
        this.acceptor = acceptor;
    }

    static Path path(Path home) {
        return home.toAbsolutePath().normalize().resolve("data/serve/commands.sock");
    }

    /** Listens for commands to run in {@code vitals}; a failure to listen leaves one-shots to run on their own. */
    static Optional<CommandSocket> open(Path home, VitalsRuntime vitals, PrintStream stderr) {
        Path socket = path(home);
        try {
            Path folder = socket.getParent();
            Files.createDirectories(folder);
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
            Files.deleteIfExists(socket); // left by a serve that was killed
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread acceptor = new Thread(() -> accept(server, vitals), "vitals-commands");
            acceptor.setDaemon(true);
            acceptor.start();
            return Optional.of(new CommandSocket(socket, server, acceptor));
        } catch (IOException | UnsupportedOperationException e) {
            stderr.println("vitals: warning: one-shot commands will start their own framework (cannot listen on " + socket + ": "
                    + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private static void accept(ServerSocketChannel server, VitalsRuntime vitals) {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread t = new Thread(() -> answer(client, vitals), "vitals-command");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void answer(SocketChannel client, VitalsRuntime vitals) {
        try (client; DataInputStream in = new DataInputStream(Channels.newInputStream(client));
                DataOutputStream out = new DataOutputStream(Channels.newOutputStream(client))) {
            int n = in.readInt();
            if (n < 1 || n > 10_000) {
                return;
            }
            List<String> args = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                args.add(readText(in));
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            PrintStream o = new PrintStream(output, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(errors, true, StandardCharsets.UTF_8);
            int exit = 0;
            if (!forwardable(args)) {
                e.println("vitals: " + args.get(0) + " is not run by a serve");
                exit = 1;
            } else {
                Throwable failure = vitals.execute(args, o, e);
                if (failure != null) {
                    e.println(new VitalsRuntime.CommandOutcome("", "", failure).failureMessage());
                    exit = 1;
                }
            }
            out.writeInt(exit);
            writeText(out, output.toString(StandardCharsets.UTF_8));
            writeText(out, errors.toString(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    /** Namespaced shell commands only: never {@code exit} or another of Gogo's own, which would act on the serve. */
    static boolean forwardable(List<String> args) {
        return !args.isEmpty() && args.get(0).matches("[a-z]+:[a-z-]+");
    }

    /**
     * Runs the command in the serve of this home, if one listens: its exit code, having printed its output.
     * Empty when no serve answers (none runs, or it is not this user's), so the caller runs it itself.
     */
    static Optional<Integer> forward(Path home, List<String> args, PrintStream stdout, PrintStream stderr) {
        Path socket = path(home);
        if (!forwardable(args) || !Files.exists(socket)) {
            return Optional.empty();
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // a socket left by a killed serve, or one this user may not reach
        }
        try (channel; DataOutputStream out = new DataOutputStream(Channels.newOutputStream(channel));
                DataInputStream in = new DataInputStream(Channels.newInputStream(channel))) {
            out.writeInt(args.size());
            for (String a : args) {
                writeText(out, a);
            }
            out.flush();
            int exit = in.readInt();
            stdout.print(readText(in));
            stdout.flush();
            stderr.print(readText(in));
            stderr.flush();
            return Optional.of(exit);
        } catch (IOException e) {
            stderr.println("vitals: the serve of this home stopped answering: " + e.getMessage());
            return Optional.of(1);
        }
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readText(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 512 * 1024 * 1024) {
            throw new IOException("a message of " + n + " bytes");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.interrupt();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the next serve removes it
        }
    }
}
