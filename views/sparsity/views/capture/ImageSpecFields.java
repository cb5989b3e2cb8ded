package sparsity.views.capture;

import java.util.List;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import sparsity.analysis.input.ImageSpec;

/**
 * The editable fields of an {@link ImageSpec} (size, channels, layout, mean and std, invert); the
 * channel order, scaling and resize method stay those of the spec it started from.
 */
public final class ImageSpecFields {

    private final ImageSpec base;
    private final StringProperty width = new SimpleStringProperty();
    private final StringProperty height = new SimpleStringProperty();
    private final ObjectProperty<Integer> channels = new SimpleObjectProperty<>();
    private final ObjectProperty<ImageSpec.Layout> layout = new SimpleObjectProperty<>();
    private final StringProperty mean = new SimpleStringProperty();
    private final StringProperty std = new SimpleStringProperty();
    private final BooleanProperty invert = new SimpleBooleanProperty();

    /** Fields showing {@code spec} (e.g. the one {@link sparsity.analysis.capture.InputSources#imageSpecFor} proposes). */
    public ImageSpecFields(ImageSpec spec) {
        base = spec;
        width.set(Integer.toString(spec.width()));
        height.set(Integer.toString(spec.height()));
        channels.set(spec.channels());
        layout.set(spec.layout());
        mean.set(CaptureSettings.floats(spec.mean()));
        std.set(CaptureSettings.floats(spec.std()));
        invert.set(spec.invert());
    }

    public StringProperty widthProperty() {
        return width;
    }

    public StringProperty heightProperty() {
        return height;
    }

    /** 1 (grayscale) or 3 (colour). */
    public ObjectProperty<Integer> channelsProperty() {
        return channels;
    }

    public ObjectProperty<ImageSpec.Layout> layoutProperty() {
        return layout;
    }

    /** Per channel or one for all, separated by "/" or ",". */
    public StringProperty meanProperty() {
        return mean;
    }

    public StringProperty stdProperty() {
        return std;
    }

    public BooleanProperty invertProperty() {
        return invert;
    }

    /** Every field, for listeners. */
    List<Observable> all() {
        return List.of(width, height, channels, layout, mean, std, invert);
    }

    /**
     * The spec as entered.
     *
     * @throws IllegalArgumentException naming the field that is not valid
     */
    public ImageSpec spec() {
        int w = size(width.get(), "image width");
        int h = size(height.get(), "image height");
        try {
            return new ImageSpec(w, h, channels.get(), base.channelOrder(), layout.get(), base.scaleToUnit(), invert.get(),
                    CaptureSettings.parseFloats(mean.get()), CaptureSettings.parseFloats(std.get()), base.resize());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("image spec: " + e.getMessage(), e);
        }
    }

    /** In words, e.g. "28x28 grayscale, flat [N, 784], ..." (or why it is not valid). */
    public String describe() {
        try {
            return spec().describe();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static int size(String text, String what) {
        try {
            int v = Integer.parseInt(text == null ? "" : text.strip());
            if (v < 1) throw new IllegalArgumentException(what + " must be at least 1 pixel");
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a whole number");
        }
    }
}
