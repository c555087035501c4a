package dev.polarity.train;

/** One labelled text: label 0 is negative, 1 positive. */
public record Example(int label, String text) {}
