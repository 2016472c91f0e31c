package org.conflictgraph.gephi;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Interval;
import org.gephi.graph.api.Node;
import org.gephi.graph.api.Table;
import org.gephi.io.exporter.api.ExportController;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.EdgeMergeStrategy;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.layout.plugin.forceAtlas2.ForceAtlas2;
import org.gephi.layout.plugin.forceAtlas2.ForceAtlas2Builder;
import org.gephi.preview.api.PreviewController;
import org.gephi.preview.api.PreviewModel;
import org.gephi.preview.api.PreviewProperty;
import org.gephi.preview.types.EdgeColor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.apache.batik.transcoder.TranscoderInput;
import org.apache.batik.transcoder.TranscoderOutput;
import org.apache.batik.transcoder.TranscoderException;
import org.apache.batik.transcoder.image.ImageTranscoder;
import org.openide.util.Lookup;

/**
 * Gephi's own importer on a file we export, and Gephi's own layout and renderer.
 *
 * <pre>
 *   report [--no-merge] FILE... import each FILE (GEXF or GraphML, by extension) as Gephi does
 *                           and print one JSON line per file: counts, directedness, time bounds, columns, labels,
 *                           colours, each edge's intervals, and every issue of the import report.
 *                           --no-merge: "Don't merge" parallel edges, as an analyst picks in
 *                           Gephi's import dialog (GraphML has no edge kinds to keep them apart)
 *   render FILE OUT.png [W] import, lay out with ForceAtlas2, render the preview to a PNG
 *   render FILE OUT.svg|pdf the same, to a vector file (format by extension)
 * </pre>
 */
public final class GephiTool {
    private GephiTool() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("report")) {
            boolean noMerge = false;
            for (String arg : java.util.Arrays.copyOfRange(args, 1, args.length)) {
                if (arg.equals("--no-merge")) {
                    noMerge = true;
                } else {
                    System.out.println(report(importFile(new File(arg), noMerge)));
                }
            }
        } else if (args.length >= 3 && args[0].equals("render")) {
            Imported g = importFile(new File(args[1]), false);
            layout(g.model);
            render(new File(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 1600);
            System.out.println("{\"rendered\": " + json(args[2]) + "}");
        } else {
            System.err.println("usage: report [--no-merge] FILE... | render FILE OUT.png|svg|pdf [WIDTH]");
            System.exit(2);
        }
        System.exit(0);  // Gephi's Lookup leaves non-daemon threads behind
    }

    private record Imported(GraphModel model, List<Issue> issues, boolean verified) {}

    static Imported importFile(File file, boolean noMerge) throws Exception {
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        projects.newProject();
        Workspace workspace = projects.getCurrentWorkspace();
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container = importer.importFile(file);
        if (container == null) {
            throw new IllegalArgumentException("Gephi has no importer for " + file);
        }
        if (noMerge) {
            container.getLoader().setEdgesMergeStrategy(EdgeMergeStrategy.NO_MERGE);
        }
        boolean verified = container.verify();
        List<Issue> issues = new ArrayList<>();
        Iterator<Issue> it = container.getReport().getIssues(Integer.MAX_VALUE);
        it.forEachRemaining(issues::add);
        importer.process(container, new DefaultProcessor(), workspace);
        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        return new Imported(model, issues, verified);
    }

    static String report(Imported g) {
        GraphModel m = g.model;
        StringBuilder out = new StringBuilder("{");
        int directed = 0;
        int undirected = 0;
        for (Edge e : m.getGraph().getEdges()) {
            if (e.isDirected()) {
                directed++;
            } else {
                undirected++;
            }
        }
        field(out, "nodes", m.getGraph().getNodeCount());
        field(out, "edges", m.getGraph().getEdgeCount());
        field(out, "directed_edges", directed);
        field(out, "undirected_edges", undirected);
        field(out, "graph_directed", m.isDirected());
        field(out, "graph_mixed", m.isMixed());
        field(out, "dynamic", m.isDynamic());
        field(out, "time_representation", json(m.getConfiguration().getTimeRepresentation().name()));
        Interval bounds = m.getTimeBounds();
        field(out, "time_bounds", bounds == null ? "null"
                : "[" + time(bounds.getLow()) + ", " + time(bounds.getHigh()) + "]");
        field(out, "node_columns", columns(m.getNodeTable()));
        field(out, "edge_columns", columns(m.getEdgeTable()));
        TreeMap<String, String> labels = new TreeMap<>();
        TreeMap<String, String> nodeColors = new TreeMap<>();
        for (Node n : m.getGraph().getNodes()) {
            labels.put(n.getId().toString(), json(n.getLabel()));
            nodeColors.put(n.getId().toString(), json(hex(n.getColor())));
        }
        field(out, "labels", object(labels));
        field(out, "node_colors", object(nodeColors));
        // Nodes with a time interval (an export's events): where Gephi's timeline shows them.
        TreeMap<String, String> nodeIntervals = new TreeMap<>();
        for (Node n : m.getGraph().getNodes()) {
            Interval[] spans = m.isDynamic() ? n.getIntervals() : new Interval[0];
            if (spans.length > 0) {
                nodeIntervals.put(n.getId().toString(), intervals(spans));
            }
        }
        field(out, "node_intervals", object(nodeIntervals));
        TreeMap<String, String> edges = new TreeMap<>();
        for (Edge e : m.getGraph().getEdges()) {
            String intervals = intervals(m.isDynamic() ? e.getIntervals() : new Interval[0]);
            edges.put(e.getId().toString(), "{\"source\": " + json(e.getSource().getId().toString())
                    + ", \"target\": " + json(e.getTarget().getId().toString())
                    + ", \"directed\": " + e.isDirected()
                    + ", \"kind\": " + json(String.valueOf(e.getTypeLabel()))
                    + ", \"label\": " + json(e.getLabel())
                    + ", \"color\": " + json(hex(e.getColor()))
                    + ", \"intervals\": " + intervals + "}");
        }
        field(out, "edge_details", object(edges));
        StringBuilder issues = new StringBuilder("[");
        for (int i = 0; i < g.issues.size(); i++) {
            Issue issue = g.issues.get(i);
            issues.append(i > 0 ? ", " : "").append("{\"level\": ").append(json(issue.getLevel().toString()))
                  .append(", \"message\": ").append(json(issue.getMessage())).append('}');
        }
        field(out, "issues", issues.append(']').toString());
        field(out, "verified", g.verified);
        out.setLength(out.length() - 2);
        return out.append('}').toString();
    }

    static String intervals(Interval[] spans) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < spans.length; i++) {
            out.append(i > 0 ? ", " : "").append('[').append(time(spans[i].getLow()))
               .append(", ").append(time(spans[i].getHigh())).append(']');
        }
        return out.append(']').toString();
    }

    static void layout(GraphModel model) {
        ForceAtlas2 fa2 = new ForceAtlas2Builder().buildLayout();
        fa2.setGraphModel(model);
        fa2.resetPropertiesValues();
        fa2.setScalingRatio(150.0);
        fa2.setGravity(0.5);
        fa2.setThreadsCount(1);  // the same picture on every machine
        fa2.initAlgo();
        for (int i = 0; i < 1500 && fa2.canAlgo(); i++) {
            if (i == 1200) {
                fa2.setAdjustSizes(true);  // last: keep nodes from overlapping
            }
            fa2.goAlgo();
        }
        fa2.endAlgo();
    }

    static void render(File out, int width) throws Exception {
        PreviewModel preview = Lookup.getDefault().lookup(PreviewController.class).getModel();
        preview.getProperties().putValue(PreviewProperty.SHOW_NODE_LABELS, Boolean.TRUE);
        preview.getProperties().putValue(PreviewProperty.NODE_LABEL_PROPORTIONAL_SIZE, Boolean.FALSE);
        preview.getProperties().putValue(PreviewProperty.NODE_LABEL_FONT,
                preview.getProperties().getFontValue(PreviewProperty.NODE_LABEL_FONT).deriveFont(18f));
        preview.getProperties().putValue(PreviewProperty.NODE_BORDER_WIDTH, 0.5f);
        preview.getProperties().putValue(PreviewProperty.EDGE_COLOR, new EdgeColor(EdgeColor.Mode.ORIGINAL));
        preview.getProperties().putValue(PreviewProperty.EDGE_CURVED, Boolean.TRUE);
        preview.getProperties().putValue(PreviewProperty.EDGE_THICKNESS, 2.0f);
        preview.getProperties().putValue(PreviewProperty.ARROW_SIZE, 6.0f);
        ExportController exports = Lookup.getDefault().lookup(ExportController.class);
        if (out.getName().endsWith(".png")) {
            // Gephi's own PNG exporter needs a display (HeadlessException): render Gephi's
            // SVG, then rasterise it with the Batik transcoder that ships in the toolkit.
            File svg = File.createTempFile("conflictgraph-", ".svg");
            try {
                exports.exportFile(svg);
                ImageTranscoder png = new ImageTranscoder() {
                    // The toolkit's Batik lacks its PNG codec; the JDK's ImageIO writes PNG.
                    @Override
                    public BufferedImage createImage(int w, int h) {
                        return new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
                    }

                    @Override
                    public void writeImage(BufferedImage image, TranscoderOutput output) throws TranscoderException {
                        try {
                            ImageIO.write(image, "png", output.getOutputStream());
                        } catch (IOException e) {
                            throw new TranscoderException(e);
                        }
                    }
                };
                png.addTranscodingHint(ImageTranscoder.KEY_WIDTH, (float) width);
                png.addTranscodingHint(ImageTranscoder.KEY_BACKGROUND_COLOR, Color.WHITE);
                try (OutputStream stream = new FileOutputStream(out)) {
                    png.transcode(new TranscoderInput(svg.toURI().toString()), new TranscoderOutput(stream));
                }
            } finally {
                svg.delete();
            }
        } else {
            exports.exportFile(out);
        }
    }

    private static void field(StringBuilder out, String name, Object value) {
        out.append(json(name)).append(": ").append(value).append(", ");
    }

    private static String columns(Table table) {
        TreeMap<String, String> cols = new TreeMap<>();
        for (Column c : table) {
            if (!c.isProperty()) {
                cols.put(c.getId(), json(c.getTypeClass().getSimpleName()));
            }
        }
        return object(cols);
    }

    private static String object(TreeMap<String, String> values) {
        StringBuilder out = new StringBuilder("{");
        values.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "").append(json(k)).append(": ").append(v));
        return out.append('}').toString();
    }

    /** Gephi keeps dates as milliseconds since 1970 (UTC); infinities stay null. */
    private static String time(double t) {
        if (Double.isInfinite(t)) {
            return "null";
        }
        return json(Instant.ofEpochMilli((long) t).atOffset(ZoneOffset.UTC).toLocalDateTime().toString());
    }

    private static String hex(Color c) {
        return c == null ? null : String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
