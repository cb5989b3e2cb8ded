package sparsity.sae.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.cpu.VectorBackend;
import sparsity.sae.model.StepTimer;
import sparsity.sae.model.StepTimer.Phase;
import sparsity.sae.model.TopKAutoencoder;

/**
 * {@code ./workbench bench sae}: tokens/s of TopK training steps (issue 5), with the time of each
 * phase of a step, against the numpy peer ({@code topk_sae.py bench}, run as a child process with
 * the same shape and thread count) in the same run. Rounds alternate ours and the peer, so that
 * a busy period of the shared machine hits both; the ratio printed is the median of the per-round
 * ratios of tokens/s.
 *
 * <p>The setup is the peer's: Gaussian rows (4 batches, cycled), b_pre and the loss scale from
 * the first 16,384 rows, lr 4e-4, AuxK defaults (dead after 10M tokens, so no latent is dead in a
 * short run and AuxK costs nothing on either side unless {@code deadFraction} forces latents
 * dead).
 *
 * <p>The machine is shared ({@link Guard}): by default each side of each round starts on a quiet
 * machine (the peer's criterion: two 0.25 s windows in a row under 4% busy in /proc/stat) and
 * then runs its steps back to back, as training does; the share of the CPU others used meanwhile
 * (busy time in /proc/stat less ours and the peer's own, which a small python wrapper reads from
 * rusage) is printed for both sides, and a round in which it passed 5% on either side is run
 * again (at most 3 x rounds tries). The peer's own guard, a wait for a quiet machine before every step and
 * steps dropped when disturbed ({@link Guard#STEP}), leaves the machine idle before each step,
 * which makes every step start cold (caches, clocks, parked threads): our steps took 49 ms that
 * way against 41.6 ms back to back, so it penalizes the faster side.
 */
public final class SaeBench {

    /** How the bench copes with other programs on the machine. */
    public enum Guard {
        /** Wait for a quiet machine before each side of each round; steps back to back (default). */
        ROUND,
        /** The peer's own protocol, both sides: wait before every step, drop disturbed steps. */
        STEP,
        /** No waiting, nothing dropped. */
        NONE
    }

    /** What to run. */
    public record Settings(int d, int n, int k, int batch, int steps, int rounds, int threads, Path peer,
                           Guard guard, double deadFraction) {
        public Settings {
            if (d < 1 || n < 1 || k < 1 || k > n || batch < 1 || steps < 1 || rounds < 1 || threads < 1) {
                throw new IllegalArgumentException("bad bench settings");
            }
            if (!(deadFraction >= 0 && deadFraction <= 1)) throw new IllegalArgumentException("dead fraction in [0, 1]");
        }
    }

    /**
     * Median seconds of each phase and of the whole step, from one side of one round; the steps
     * dropped as disturbed (STEP guard) and the share of the CPU others used meanwhile (NaN when
     * not known).
     */
    record Times(Map<Phase, Double> phases, double step, int accepted, int rejected, double others) {
        double tokensPerSecond(int batch) {
            return batch / step;
        }
    }

    /** A round in which others used more than this share of the CPU (either side) is not counted. */
    static final double DISTURBED = 0.05;

    private static String share(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** The peer's phase names for ours. */
    static final Map<Phase, String> PEER_KEYS = new EnumMap<>(Map.of(
            Phase.ENCODER, "enc_gemm", Phase.TOPK, "topk", Phase.DECODE, "decoder", Phase.BACKWARD, "backward",
            Phase.AUXK, "auxk", Phase.OPTIMIZER, "optimizer"));

    private SaeBench() {
    }

    /** The default peer script: shared/peer/topk_sae.py next to the workbench folder, if there. */
    public static Path defaultPeer(Path home) {
        if (home == null) return null;
        Path p = home.toAbsolutePath().normalize().resolveSibling("shared").resolve("peer").resolve("topk_sae.py");
        return Files.isRegularFile(p) ? p : null;
    }

    public static void run(PrintWriter out, Settings s) throws IOException, InterruptedException {
        int d = s.d();
        String peerState = peerUsable(s.peer());
        out.printf(Locale.ROOT, "sae bench: TopK d=%d n=%d k=%d batch %d, %d threads, %d steps x %d rounds, %s, java %s%n",
                d, s.n(), s.k(), s.batch(), s.threads(), s.steps(), s.rounds(),
                "vector backend (" + VectorBackend.lanes() + " lanes)", System.getProperty("java.version"));
        out.printf(Locale.ROOT, "peer: %s%n", peerState == null ? s.peer() : "not run (" + peerState + ")");
        if (s.deadFraction() > 0) out.printf(Locale.ROOT, "forced dead: %.0f%% of the latents%n", 100 * s.deadFraction());
        out.flush();
        List<Times> ours = new ArrayList<>();
        List<Times> peer = new ArrayList<>();
        List<Double> ratioList = new ArrayList<>();
        try (Backend be = new VectorBackend(s.threads());
             TopKAutoencoder sae = new TopKAutoencoder(be, d, s.n(), TopKAutoencoder.Config.defaults(d, s.k()), 0);
             MemoryScope scope = MemoryScope.open()) {
            FloatMatrix[] batches = gaussianBatches(scope, s.batch(), d, 4, 1);
            int sampleRows = Math.min(16384, 4 * s.batch());
            float[] sample = new float[sampleRows * d];
            for (int r = 0; r < sampleRows; r++) {
                batches[r / s.batch()].copyRow(r % s.batch(), sample, r * d);
            }
            sae.initFromData(sample, sampleRows, 0);
            sae.forceDead(forcedDead(s));
            // warm-up: the JIT compiles the kernels, a few dozen methods through two tiers (at least
            // 20 steps and 8 s; with 3 s the first round still ran 20-30% slow)
            long w0 = System.nanoTime();
            int step = 0;
            for (; step < 20 || System.nanoTime() - w0 < 8_000_000_000L; step++) {
                sae.trainStep(batches[step % 4], 4e-4f);
            }
            // under the ROUND guard a round counts only when others left both sides alone
            int attempts = s.guard() == Guard.ROUND ? 3 * s.rounds() : s.rounds();
            for (int attempt = 0; attempt < attempts && ours.size() < s.rounds(); attempt++) {
                Times o = timeOurs(sae, batches, s, step);
                step += s.steps();
                String line = String.format(Locale.ROOT, "  round %d: ours %.1f ms/step (%,.0f tokens/s)", attempt + 1,
                        1e3 * o.step(), o.tokensPerSecond(s.batch()));
                Times p = null;
                if (peerState == null) {
                    p = timePeer(s);
                    line += String.format(Locale.ROOT, ", peer %.1f ms/step (%,.0f tokens/s), ratio %.2f", 1e3 * p.step(),
                            p.tokensPerSecond(s.batch()), o.tokensPerSecond(s.batch()) / p.tokensPerSecond(s.batch()));
                }
                boolean disturbed = s.guard() == Guard.ROUND && (o.others() > DISTURBED || p != null && p.others() > DISTURBED);
                if (s.guard() == Guard.STEP) {
                    line += String.format(Locale.ROOT, "  [steps dropped as disturbed: ours %d%s]", o.rejected(),
                            p == null ? "" : ", peer " + p.rejected());
                } else if (s.guard() == Guard.ROUND) {
                    line += String.format(Locale.ROOT, "  [others' CPU: %s during ours%s]%s", share(o.others()),
                            p == null ? "" : ", " + share(p.others()) + " during the peer's",
                            disturbed ? " not counted" : "");
                }
                out.println(line);
                out.flush();
                if (disturbed) continue;
                ours.add(o);
                if (p != null) {
                    peer.add(p);
                    ratioList.add(o.tokensPerSecond(s.batch()) / p.tokensPerSecond(s.batch()));
                }
            }
        }
        if (ours.size() < s.rounds()) {
            out.printf(Locale.ROOT, "only %d of %d rounds undisturbed after %d tries%n", ours.size(), s.rounds(),
                    3 * s.rounds());
            if (ours.isEmpty()) return;
        }
        double[] ratios = ratioList.stream().mapToDouble(Double::doubleValue).toArray();
        printTable(out, s, ours, peer);
        Times o = medianOf(ours);
        if (peer.isEmpty()) {
            out.printf(Locale.ROOT, "ours: %,.0f tokens/s (%.1f ms/step, median of rounds)%n", o.tokensPerSecond(s.batch()),
                    1e3 * o.step());
        } else {
            Times p = medianOf(peer);
            out.printf(Locale.ROOT, "ours: %,.0f tokens/s (%.1f ms/step), peer: %,.0f tokens/s (%.1f ms/step), medians of rounds%n",
                    o.tokensPerSecond(s.batch()), 1e3 * o.step(), p.tokensPerSecond(s.batch()), 1e3 * p.step());
            out.printf(Locale.ROOT, "ratio of tokens/s, ours / peer: %.2f (median of the per-round ratios %s)%n", median(ratios),
                    Arrays.toString(Arrays.stream(ratios).map(r -> Math.round(r * 100) / 100.0).toArray()));
        }
        out.flush();
    }

    private static void printTable(PrintWriter out, Settings s, List<Times> ours, List<Times> peer) {
        Times o = medianOf(ours);
        Times p = peer.isEmpty() ? null : medianOf(peer);
        out.printf(Locale.ROOT, "%-18s %9s %6s%s%n", "phase (median)", "ours ms", "%", p == null ? "" : String.format("  %9s %6s", "peer ms", "%"));
        for (Phase ph : Phase.values()) {
            if (p == null && ph == Phase.OTHER && o.phases().get(ph) == 0) continue;
            String peerCols = "";
            if (p != null) {
                Double v = p.phases().get(ph);
                peerCols = v == null ? String.format("  %9s %6s", "-", "-")
                        : String.format(Locale.ROOT, "  %9.2f %6.1f", 1e3 * v, 100 * v / p.step());
            }
            double v = o.phases().get(ph);
            out.printf(Locale.ROOT, "%-18s %9.2f %6.1f%s%n", ph.label(), 1e3 * v, 100 * v / o.step(), peerCols);
        }
        out.printf(Locale.ROOT, "%-18s %9.2f %6.1f%s%n", "step", 1e3 * o.step(), 100.0,
                p == null ? "" : String.format(Locale.ROOT, "  %9.2f %6.1f", 1e3 * p.step(), 100.0));
    }

    /** Phase by phase and step medians over rounds. */
    static Times medianOf(List<Times> rounds) {
        Map<Phase, Double> m = new EnumMap<>(Phase.class);
        for (Phase ph : Phase.values()) {
            double[] v = rounds.stream().filter(t -> t.phases().containsKey(ph)).mapToDouble(t -> t.phases().get(ph)).toArray();
            if (v.length > 0) m.put(ph, median(v));
        }
        return new Times(m, median(rounds.stream().mapToDouble(Times::step).toArray()),
                rounds.stream().mapToInt(Times::accepted).sum(), rounds.stream().mapToInt(Times::rejected).sum(), Double.NaN);
    }

    private static Times timeOurs(TopKAutoencoder sae, FloatMatrix[] batches, Settings s, int step) {
        // profiling on one thread: -Dbench.cpuclock=true times the thread's CPU time, not the wall
        StepTimer timer = Boolean.getBoolean("bench.cpuclock") && s.threads() == 1
                ? new StepTimer(ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime) : new StepTimer();
        int phases = Phase.values().length;
        List<double[]> rec = new ArrayList<>();
        int rejected = 0;
        int tries = 0;
        boolean perStep = s.guard() == Guard.STEP;
        if (s.guard() == Guard.ROUND) Quiet.waitQuiet();
        Quiet.Sample round = Quiet.Sample.begin();
        while (rec.size() < s.steps() && tries < 5 * s.steps()) {
            tries++;
            if (perStep) Quiet.waitQuiet();
            timer.reset();
            sae.timer(timer);
            Quiet.Sample q = Quiet.Sample.begin();
            sae.trainStep(batches[step++ % 4], 4e-4f);
            boolean ok = q.end();
            sae.timer(null);
            if (ok || !perStep) {
                double[] t = new double[phases + 1];
                for (Phase ph : Phase.values()) t[ph.ordinal()] = timer.nanos(ph) * 1e-9;
                t[phases] = timer.total() * 1e-9;
                rec.add(t);
            } else {
                rejected++;
            }
        }
        double others = perStep ? Double.NaN : round.othersShare();
        Map<Phase, Double> m = new EnumMap<>(Phase.class);
        for (Phase ph : Phase.values()) m.put(ph, median(rec.stream().mapToDouble(t -> t[ph.ordinal()]).toArray()));
        return new Times(m, median(rec.stream().mapToDouble(t -> t[phases]).toArray()), rec.size(), rejected, others);
    }

    private static final Pattern PEER_PHASE = Pattern.compile("^\\s+(\\w+)\\s+([0-9.]+) ms", Pattern.MULTILINE);
    private static final Pattern PEER_STEPS = Pattern.compile("steps ok=(\\d+) rejected=(\\d+)");

    /**
     * Runs the peer script under python3 and prints the CPU seconds it used at exit (rusage), so
     * that others' use of the machine meanwhile can be told from the peer's own.
     */
    static final String PEER_WRAPPER = String.join("\n",
            "import resource, runpy, sys",
            "script = sys.argv[1]",
            "sys.argv = [script] + sys.argv[2:]",
            "try:",
            "    runpy.run_path(script, run_name='__main__')",
            "finally:",
            "    r = resource.getrusage(resource.RUSAGE_SELF)",
            "    print('peer_cpu_seconds %.6f' % (r.ru_utime + r.ru_stime), flush=True)");

    private static final Pattern PEER_CPU = Pattern.compile("peer_cpu_seconds ([0-9.]+)");

    /** Runs {@code topk_sae.py bench} with the same shape and reads the medians it prints. */
    private static Times timePeer(Settings s) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", PEER_WRAPPER, s.peer().toString(), "bench", "--d", "" + s.d(),
                "--n", "" + s.n(), "--k", "" + s.k(), "--batch", "" + s.batch(), "--steps", "" + s.steps(),
                "--threads", "" + s.threads()));
        // the peer waits and drops steps itself only under the STEP guard
        if (s.guard() != Guard.STEP) cmd.add("--no-guard");
        if (s.guard() == Guard.ROUND) Quiet.waitQuiet();
        if (s.deadFraction() > 0) cmd.addAll(List.of("--force-dead", "" + s.deadFraction()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // these two slow a current numpy down (the peer's README)
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        Quiet.Sample window = Quiet.Sample.begin();
        Process pr = pb.start();
        String text;
        try (InputStream in = pr.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!pr.waitFor(30, TimeUnit.MINUTES) || pr.exitValue() != 0) throw new IOException("the peer failed:\n" + text);
        Matcher cpu = PEER_CPU.matcher(text);
        double others = cpu.find() ? window.othersShare(Double.parseDouble(cpu.group(1))) : Double.NaN;
        Times t = parsePeer(text);
        return new Times(t.phases(), t.step(), t.accepted(), t.rejected(), others);
    }

    /**
     * The peer's printed medians: lines {@code "  enc_gemm  26.89 ms  ( 33.6%)"} for enc_gemm, topk,
     * decoder, backward, auxk, optimizer and step, and {@code "(steps ok=7 rejected=2)"}.
     */
    static Times parsePeer(String text) throws IOException {
        Map<String, Double> byName = new java.util.HashMap<>();
        Matcher m = PEER_PHASE.matcher(text);
        while (m.find()) byName.put(m.group(1), Double.parseDouble(m.group(2)) * 1e-3);
        if (!byName.containsKey("step")) throw new IOException("no step time in the peer's output:\n" + text);
        // the peer's phases cover its whole step, so it has no "other"
        Map<Phase, Double> phases = new EnumMap<>(Phase.class);
        for (Map.Entry<Phase, String> e : PEER_KEYS.entrySet()) {
            Double v = byName.get(e.getValue());
            if (v == null) throw new IOException("no " + e.getValue() + " time in the peer's output:\n" + text);
            phases.put(e.getKey(), v);
        }
        Matcher st = PEER_STEPS.matcher(text);
        boolean found = st.find();
        return new Times(phases, byName.get("step"), found ? Integer.parseInt(st.group(1)) : 0,
                found ? Integer.parseInt(st.group(2)) : 0, Double.NaN);
    }

    /** Null when the peer can run, else why not. */
    static String peerUsable(Path peer) throws InterruptedException {
        if (peer == null) return "no peer script given (--peer)";
        if (!Files.isRegularFile(peer)) return peer + " not found";
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return "python3 has no numpy";
        } catch (IOException e) {
            return "no python3";
        }
        return null;
    }

    /** The latents forced dead (the peer's --force-dead: the first fraction of them). */
    private static int[] forcedDead(Settings s) {
        int nd = (int) Math.round(s.deadFraction() * s.n());
        int[] f = new int[nd];
        for (int i = 0; i < nd; i++) f[i] = i;
        return f;
    }


    /** {@code count} batches of standard Gaussian rows, seeded. */
    static FloatMatrix[] gaussianBatches(MemoryScope scope, int rows, int d, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        FloatMatrix[] b = new FloatMatrix[count];
        float[] row = new float[d];
        for (int i = 0; i < count; i++) {
            b[i] = scope.floats(rows, d);
            for (int j = 0; j < rows; j++) {
                for (int c = 0; c < d; c++) {
                    double u = 1 - r.nextDouble();
                    row[c] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
                }
                b[i].row(j).copyFrom(row);
            }
        }
        return b;
    }

    static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** Command line: {@code SaeBench [d n k batch steps rounds threads [peer]]}, for profiling. */
    public static void main(String[] args) throws Exception {
        int[] v = {384, 3072, 32, 4096, 7, 3, Runtime.getRuntime().availableProcessors()};
        for (int i = 0; i < Math.min(args.length, v.length); i++) v[i] = Integer.parseInt(args[i]);
        Path peer = args.length > 7 ? ("-".equals(args[7]) ? null : Path.of(args[7])) : defaultPeer(Path.of(""));
        Guard guard = Guard.valueOf(System.getProperty("bench.guard", "ROUND").toUpperCase(Locale.ROOT));
        run(new PrintWriter(System.out, true), new Settings(v[0], v[1], v[2], v[3], v[4], v[5], v[6], peer, guard,
                Double.parseDouble(System.getProperty("bench.dead", "0"))));
    }

    /** The peer's benchmark hygiene (benchutil.py), from /proc/stat; a no-op where that is missing. */
    static final class Quiet {
        private static final Path STAT = Path.of("/proc/stat");
        private static final int NCPU = Runtime.getRuntime().availableProcessors();
        private static final double HZ = 100;

        /** Busy seconds of the whole machine, or NaN. */
        static double busy() {
            try {
                String line = Files.readAllLines(STAT).getFirst();
                String[] f = line.trim().split("\\s+");
                long u = 0;
                for (int i : new int[] {1, 2, 3, 6, 7, 8}) u += Long.parseLong(f[i]);
                return u / HZ;
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        static double ownCpu() {
            var os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean s) return s.getProcessCpuTime() * 1e-9;
            return Double.NaN;
        }

        /** Waits (at most 120 s) until two 0.25 s windows in a row had the machine under 4% busy. */
        static void waitQuiet() {
            long t0 = System.nanoTime();
            int good = 0;
            while (System.nanoTime() - t0 < 120_000_000_000L) {
                double b0 = busy();
                if (Double.isNaN(b0)) return;
                long w0 = System.nanoTime();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                double frac = (busy() - b0) / ((System.nanoTime() - w0) * 1e-9 * NCPU);
                if (frac < 0.04) {
                    if (++good >= 2) return;
                } else {
                    good = 0;
                }
            }
        }

        /** One timed sample: accepted when others used at most 0.03 s + 5% of the wall time x cores. */
        record Sample(double busy0, double own0, long t0) {
            static Sample begin() {
                return new Sample(busy(), ownCpu(), System.nanoTime());
            }

            boolean end() {
                double wall = (System.nanoTime() - t0) * 1e-9;
                double b = busy();
                double own = ownCpu();
                if (Double.isNaN(b) || Double.isNaN(own) || Double.isNaN(busy0)) return true;
                double foreign = Math.max(0, (b - busy0) - (own - own0));
                return foreign <= 0.03 + 0.05 * wall * NCPU;
            }

            /** CPU seconds others used since begin, as a share of the machine's (NaN when unknown). */
            double othersShare() {
                return othersShare(0);
            }

            /** As {@link #othersShare()}, not counting {@code childCpu} seconds of a child process either. */
            double othersShare(double childCpu) {
                double wall = (System.nanoTime() - t0) * 1e-9;
                if (wall < 0.2) return Double.NaN; // /proc/stat counts in 10 ms ticks
                double b = busy();
                double own = ownCpu();
                if (Double.isNaN(b) || Double.isNaN(own) || Double.isNaN(busy0)) return Double.NaN;
                return Math.max(0, (b - busy0) - (own - own0) - childCpu) / (wall * NCPU);
            }
        }
    }
}
