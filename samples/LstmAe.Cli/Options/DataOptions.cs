using System.CommandLine;
using LstmAe.Data;
using LstmAe.MLNet.Data;
using LstmAe.Samples.Shared;

namespace LstmAe.Cli.Options;

/// <summary>The options that choose a set of sequences: generated Moving MNIST, a .npy array or a folder of frames.</summary>
internal sealed class DataOptions
{
    public const string MovingMnist = "moving-mnist", Npy = "npy", Frames = "frames";

    /// <summary>Frames per generated sequence: the paper's 10 input + 10 future.</summary>
    private const int DefaultFrames = 20;

    /// <param name="defaultSequences">How many sequences to generate when --sequences is not given.</param>
    /// <param name="defaultSplit">The split when --split is not given.</param>
    /// <param name="limitEverySource">
    /// Apply <paramref name="defaultSequences"/> to files and folders as well, for commands whose output grows with
    /// every sequence (render draws one GIF each), instead of using a whole file by default.
    /// </param>
    /// <param name="withLabels">Offer --labels, --label-column and --class-folders, for commands that use labels.</param>
    public DataOptions(int defaultSequences, DataSplit defaultSplit, bool limitEverySource = false, bool withLabels = false)
    {
        Source = new Option<string>("--data")
        {
            Description = "Where the sequences come from: moving-mnist (generated from the embedded digits), npy (a 4-D .npy video array, --path) or frames (a folder of sequence folders of frame images, --path).",
            DefaultValueFactory = _ => MovingMnist,
        };
        Source.AcceptOnlyFromAmong(MovingMnist, Npy, Frames);
        Path = new Option<string>("--path") { Description = "The .npy file or the frames folder (for --data npy or frames)." };
        Sequences = new Option<int?>("--sequences", "-n")
        {
            Description = limitEverySource
                ? $"Sequences to use: how many to generate, or the first this many of a file or folder (default {defaultSequences})."
                : $"Sequences to use: how many to generate for moving-mnist (default {defaultSequences}), at most this many from a file or folder (default all).",
        };
        Split = new Option<DataSplit>("--split")
        {
            Description = "Which part: Train, Test or All. Generated data draws digits from the train or test pool; a .npy file gives its first 9,000 sequences or the rest; frame folders are used whole.",
            DefaultValueFactory = _ => defaultSplit,
        };
        Seed = new Option<int>("--data-seed") { Description = "Seed of the generated Moving MNIST sequences." };
        Digits = new Option<int>("--digits")
        {
            Description = "Digits per generated Moving MNIST sequence.",
            DefaultValueFactory = _ => 2,
        };
        FramesPerSequence = new Option<int?>("--frames-per-sequence")
        {
            Description = $"Frames per sequence: generated (default {DefaultFrames}) or taken from each frame folder (default all).",
        };
        FrameHeight = new Option<int>("--frame-height")
        {
            Description = $"Frame rows: the generated canvas, or the size frame images are resized to (at most {SizeLimits.MaxFrameSide}).",
            DefaultValueFactory = _ => 64,
        };
        FrameWidth = new Option<int>("--frame-width")
        {
            Description = $"Frame columns: the generated canvas, or the size frame images are resized to (at most {SizeLimits.MaxFrameSide}).",
            DefaultValueFactory = _ => 64,
        };
        Layout = new Option<NpySequenceLayout>("--layout")
        {
            Description = "Axis order of a .npy array: TimeMajor (frames, sequences, h, w), like mnist_test_seq.npy, or BatchMajor.",
            DefaultValueFactory = _ => NpySequenceLayout.TimeMajor,
        };
        Labels = new Option<string>("--labels")
        {
            Description = "A labels file. For --data npy: one label per sequence in order, as an .npy array of integers, an IDX label file, or text with one label per line or a CSV column (--label-column). For --data frames: CSV lines of sequence-folder,label.",
        };
        LabelColumn = new Option<string>("--label-column")
        {
            Description = "For --data npy: the header of the column that holds the labels in a CSV --labels file (default: the last field of each line, no header).",
        };
        ClassFolders = new Option<bool>("--class-folders")
        {
            Description = "Labels from a class folder level (for --data frames): path/<class>/<sequence>/<frames>, as ImageFolder.",
        };
        DefaultSequences = defaultSequences;
        LimitEverySource = limitEverySource;
        WithLabels = withLabels;
        Sequences.RequirePositive();
        Digits.RequirePositive();
        FrameHeight.RequirePositive(SizeLimits.MaxFrameSide);
        FrameWidth.RequirePositive(SizeLimits.MaxFrameSide);
        FramesPerSequence.RequirePositive();
    }

    public Option<string> Source { get; }
    public Option<string> Path { get; }
    public Option<int?> Sequences { get; }
    public Option<DataSplit> Split { get; }
    public Option<int> Seed { get; }
    public Option<int> Digits { get; }
    public Option<int?> FramesPerSequence { get; }
    public Option<int> FrameHeight { get; }
    public Option<int> FrameWidth { get; }
    public Option<NpySequenceLayout> Layout { get; }
    public Option<string> Labels { get; }
    public Option<string> LabelColumn { get; }
    public Option<bool> ClassFolders { get; }
    private int DefaultSequences { get; }
    private bool LimitEverySource { get; }
    private bool WithLabels { get; }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Source, Path, Sequences, Split, Seed, Digits, FramesPerSequence, FrameHeight, FrameWidth, Layout })
        {
            command.Add(option);
        }
        if (WithLabels)
        {
            command.Add(Labels);
            command.Add(LabelColumn);
            command.Add(ClassFolders);
        }
        command.Validators.Add(result =>
        {
            string source = result.GetValue(Source) ?? MovingMnist;
            string? path = result.GetValue(Path);
            if (source != MovingMnist && string.IsNullOrEmpty(path))
            {
                result.AddError($"--data {source} needs --path.");
            }
            else if (source == Npy && !File.Exists(path))
            {
                result.AddError($"--path '{path}' is not a file.");
            }
            else if (source == Frames && !Directory.Exists(path))
            {
                result.AddError($"--path '{path}' is not a folder.");
            }
            if (result.GetValue(Labels) is { } labels && !File.Exists(labels))
            {
                result.AddError($"--labels '{labels}' is not a file.");
            }
            if (result.GetResult(LabelColumn) is { Implicit: false } && result.GetValue(Labels) is null)
            {
                result.AddError("--label-column names a column of the --labels file; give --labels too.");
            }
            if (result.GetValue(ClassFolders) && result.GetValue(Labels) is not null)
            {
                result.AddError("Give either --labels or --class-folders, not both.");
            }
            // An option that the chosen source would ignore is a mistake, not a default: say so instead of guessing.
            foreach (var (option, sources) in SourceSpecificOptions)
            {
                if (result.GetResult(option) is { Implicit: false } && !sources.Contains(source))
                {
                    result.AddError($"{option.Name} does not apply to --data {source}; it is for --data {string.Join(" or ", sources)}.");
                    break;
                }
            }
        });
    }

    /// <summary>The options only some sources read, with those sources.</summary>
    private (Option Option, string[] Sources)[] SourceSpecificOptions =>
    [
        (Path, [Npy, Frames]),
        (Layout, [Npy]),
        (Seed, [MovingMnist]),
        (Digits, [MovingMnist]),
        (FramesPerSequence, [MovingMnist, Frames]),
        (FrameHeight, [MovingMnist, Frames]),
        (FrameWidth, [MovingMnist, Frames]),
        (Labels, [Npy, Frames]),
        (LabelColumn, [Npy]),
        (ClassFolders, [Frames]),
    ];

    /// <summary>Opens the sequences the options describe.</summary>
    public ISequenceCollection Open(ParseResult parsed)
    {
        int? limit = parsed.GetValue(Sequences) ?? (LimitEverySource ? DefaultSequences : null);
        var split = parsed.GetValue(Split);
        string? path = parsed.GetValue(Path);
        string? labels = WithLabels ? parsed.GetValue(Labels) : null;
        var labelOptions = WithLabels ? new SequenceLabelOptions { Column = parsed.GetValue(LabelColumn) } : null;
        return parsed.GetValue(Source) switch
        {
            Npy => NpySequenceFile.Open(path!, new NpySequenceOptions
            {
                Layout = parsed.GetValue(Layout),
                Split = split,
                LabelsPath = labels,
                LabelOptions = labelOptions,
            }).Take(limit),
            Frames => FrameFolderSequences.Open(path!, new FrameFolderOptions
            {
                FrameHeight = parsed.GetValue(FrameHeight),
                FrameWidth = parsed.GetValue(FrameWidth),
                FrameCount = parsed.GetValue(FramesPerSequence),
                LabelsPath = labels,
                LabelsFromClassFolders = WithLabels && parsed.GetValue(ClassFolders),
            }).Take(limit),
            _ => new MovingMnistSequences(new MovingMnistOptions
            {
                SequenceCount = limit ?? DefaultSequences,
                Split = split,
                Seed = parsed.GetValue(Seed),
                DigitsPerSequence = parsed.GetValue(Digits),
                FrameCount = parsed.GetValue(FramesPerSequence) ?? DefaultFrames,
                FrameHeight = parsed.GetValue(FrameHeight),
                FrameWidth = parsed.GetValue(FrameWidth),
            }),
        };
    }
}
