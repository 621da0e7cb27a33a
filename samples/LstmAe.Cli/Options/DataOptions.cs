using System.CommandLine;
using LstmAe.Cli.Commands;
using LstmAe.Data;
using LstmAe.MLNet.Data;
using LstmAe.Model;
using LstmAe.Samples.Shared;

namespace LstmAe.Cli.Options;

/// <summary>The options that choose a set of sequences: generated Moving MNIST, a .npy array or a folder of frames.</summary>
internal sealed class DataOptions
{
    public const string MovingMnist = "moving-mnist", Npy = "npy", Frames = "frames";

    /// <summary>Rows and columns of a generated frame: the paper's 64 x 64.</summary>
    private const int DefaultFrameSide = 64;

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
            Description = "Which part: Train, Test or All. Generated data draws digits from the train or test pool; a .npy file gives its first --train-sequences (9,000) or the rest; frame folders are used whole.",
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
            Description = $"Frames per sequence: how many to generate (default {DefaultFrames}), or the first this many of each sequence of a .npy file or frame folder (default all: then each must be as long as the model reads, its input frames or its input and future frames).",
        };
        TrainSequences = new Option<int>("--train-sequences")
        {
            Description = "For --data npy with --split Train or Test: how many of the file's first sequences form Train; the rest are Test.",
            DefaultValueFactory = _ => new NpySequenceOptions().TrainSequenceCount,
        };
        FrameHeight = new Option<int?>("--frame-height")
        {
            Description = $"Frame rows (at most {SizeLimits.MaxFrameSide}): the generated canvas (default {DefaultFrameSide}), or the size frame images are resized to (default: the model's, else the first image's).",
        };
        FrameWidth = new Option<int?>("--frame-width")
        {
            Description = $"Frame columns (at most {SizeLimits.MaxFrameSide}): the generated canvas (default {DefaultFrameSide}), or the size frame images are resized to (default: the model's, else the first image's).",
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
            Description = "Frame folders in class folders (for --data frames): path/<class>/<sequence>/<frames>, as ImageFolder; the classes are the labels where a command uses them.",
        };
        DefaultSequences = defaultSequences;
        LimitEverySource = limitEverySource;
        WithLabels = withLabels;
        Sequences.RequirePositive();
        Digits.RequirePositive();
        FrameHeight.RequirePositive(SizeLimits.MaxFrameSide);
        FrameWidth.RequirePositive(SizeLimits.MaxFrameSide);
        FramesPerSequence.RequirePositive();
        TrainSequences.RequirePositive();
    }

    public Option<string> Source { get; }
    public Option<string> Path { get; }
    public Option<int?> Sequences { get; }
    public Option<DataSplit> Split { get; }
    public Option<int> Seed { get; }
    public Option<int> Digits { get; }
    public Option<int?> FramesPerSequence { get; }
    public Option<int?> FrameHeight { get; }
    public Option<int?> FrameWidth { get; }
    public Option<NpySequenceLayout> Layout { get; }
    public Option<int> TrainSequences { get; }
    public Option<string> Labels { get; }
    public Option<string> LabelColumn { get; }
    public Option<bool> ClassFolders { get; }
    private int DefaultSequences { get; }
    private bool LimitEverySource { get; }
    private bool WithLabels { get; }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Source, Path, Sequences, Split, Seed, Digits, FramesPerSequence, FrameHeight, FrameWidth, Layout, TrainSequences })
        {
            command.Add(option);
        }
        command.Add(ClassFolders); // a layout: every command must be able to read class folders
        if (WithLabels)
        {
            command.Add(Labels);
            command.Add(LabelColumn);
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
            // Every command's default split is Train or Test, so only a given --split can be All.
            if (result.GetResult(TrainSequences) is { Implicit: false } && result.GetResult(Split) is { Implicit: false }
                && result.GetValue(Split) == DataSplit.All)
            {
                result.AddError("--train-sequences says where a file's Train split ends; it does not apply to --split All.");
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
            if (source == Frames && result.GetResult(FrameHeight) is { Implicit: false } != result.GetResult(FrameWidth) is { Implicit: false })
            {
                result.AddError("Give --frame-height and --frame-width together to resize frame images.");
            }
        });
    }

    /// <summary>The options only some sources read, with those sources.</summary>
    private (Option Option, string[] Sources)[] SourceSpecificOptions =>
    [
        (Path, [Npy, Frames]),
        (Layout, [Npy]),
        (TrainSequences, [Npy]),
        (Seed, [MovingMnist]),
        (Digits, [MovingMnist]),
        (FrameHeight, [MovingMnist, Frames]),
        (FrameWidth, [MovingMnist, Frames]),
        (Labels, [Npy, Frames]),
        (LabelColumn, [Npy]),
        (ClassFolders, [Frames]),
    ];

    /// <summary>Opens the sequences the options describe.</summary>
    /// <param name="parsed">The command line.</param>
    /// <param name="modelFrame">The frame size of the model that will read the sequences, when there is one already:
    /// frame images are resized to it unless --frame-height and --frame-width say otherwise.</param>
    public ISequenceCollection Open(ParseResult parsed, (int Height, int Width)? modelFrame = null) => OpenNamed(parsed, modelFrame).Data;

    /// <summary><see cref="Open"/> for a model yet to be made: frame images at their own size, or shrunk to
    /// <paramref name="largest"/> when larger (a model's input weights grow with the frame), unless --frame-height and
    /// --frame-width say otherwise.</summary>
    public ISequenceCollection OpenForTraining(ParseResult parsed, (int Height, int Width) largest)
    {
        ISequenceCollection data = Open(parsed);
        if (parsed.GetValue(Source) != Frames || parsed.GetValue(FrameHeight) is not null
            || (data.FrameHeight <= largest.Height && data.FrameWidth <= largest.Width))
        {
            return data;
        }

        data.Dispose();
        return Open(parsed, largest);
    }

    /// <summary><see cref="Open"/>, with each sequence's folder name for frame folders (null for other sources).</summary>
    public (ISequenceCollection Data, IReadOnlyList<string>? Names) OpenNamed(ParseResult parsed, (int Height, int Width)? modelFrame = null)
    {
        (int Height, int Width)? frameSize = parsed.GetValue(FrameHeight) is { } height && parsed.GetValue(FrameWidth) is { } width
            ? (height, width)
            : modelFrame;
        int? limit = parsed.GetValue(Sequences) ?? (LimitEverySource ? DefaultSequences : null);
        var split = parsed.GetValue(Split);
        string? path = parsed.GetValue(Path);
        string? labels = WithLabels ? parsed.GetValue(Labels) : null;
        var labelOptions = WithLabels ? new SequenceLabelOptions { Column = parsed.GetValue(LabelColumn) } : null;
        switch (parsed.GetValue(Source))
        {
            case Npy:
                return (OpenNpy(parsed, new NpySequenceOptions
                {
                    Layout = parsed.GetValue(Layout),
                    FrameCount = parsed.GetValue(FramesPerSequence),
                    Split = split,
                    TrainSequenceCount = parsed.GetValue(TrainSequences),
                    LabelsPath = labels,
                    LabelOptions = labelOptions,
                }).Take(limit), null);
            case Frames:
                var folders = FrameFolderSequences.Open(path!, new FrameFolderOptions
                {
                    FrameHeight = frameSize?.Height,
                    FrameWidth = frameSize?.Width,
                    FrameCount = parsed.GetValue(FramesPerSequence),
                    LabelsPath = labels,
                    LabelsFromClassFolders = parsed.GetValue(ClassFolders),
                });
                return (folders.Take(limit), folders.Names.Take(limit ?? int.MaxValue).ToArray());
            default:
                return (new MovingMnistSequences(new MovingMnistOptions
                {
                    SequenceCount = limit ?? DefaultSequences,
                    Split = split,
                    Seed = parsed.GetValue(Seed),
                    DigitsPerSequence = parsed.GetValue(Digits),
                    FrameCount = parsed.GetValue(FramesPerSequence) ?? DefaultFrames,
                    FrameHeight = parsed.GetValue(FrameHeight) ?? DefaultFrameSide,
                    FrameWidth = parsed.GetValue(FrameWidth) ?? DefaultFrameSide,
                }), null);
        }
    }

    /// <summary>
    /// The frames of each sequence a model reads (<see cref="SequenceBatch.FramesFor"/>). Sequences of a file or a
    /// folder are used whole unless --frames-per-sequence says otherwise, so their length must be what the model reads:
    /// a different one is more often a misread file (a batch-major array read time-major) than a wish to drop frames.
    /// </summary>
    public int FramesFor(ParseResult parsed, ISequenceCollection data, LstmAutoEncoderModelOptions model)
    {
        string source = parsed.GetValue(Source) ?? MovingMnist;
        int input = model.InputFrames, whole = model.InputFrames + model.FutureFrames;
        // Shorter than the input: SequenceBatch says so; a length the model takes whole: read it.
        if (source != MovingMnist && parsed.GetValue(FramesPerSequence) is null
            && data.FrameCount > input && data.FrameCount != whole)
        {
            int suggested = data.FrameCount > whole ? whole : input;
            string remedy = $"To use the first frames of each, pass --frames-per-sequence {suggested}.";
            if (source == Npy)
            {
                NpySequenceLayout layout = parsed.GetValue(Layout);
                (string axes, NpySequenceLayout other) = layout == NpySequenceLayout.TimeMajor
                    ? ("(sequences, frames, height, width)", NpySequenceLayout.BatchMajor)
                    : ("(frames, sequences, height, width)", NpySequenceLayout.TimeMajor);
                // The other axis holding a length the model reads is the mark of a file read in the wrong layout.
                int otherAxis = NpySequenceFile.ReadSequenceCount(parsed.GetValue(Path)!, layout);
                remedy = otherAxis == input || otherAxis == whole
                    ? $"The file's other axis holds {otherAxis}, a length the model reads: if its axes are {axes}, pass " +
                      $"--layout {other}; to use the first {suggested} frames of each sequence as read, pass --frames-per-sequence {suggested}."
                    : $"To use the first frames of each, pass --frames-per-sequence {suggested}; or, if the file's axes are {axes}, --layout {other}.";
            }
            string future = model.FutureFrames > 0 ? $", or its {input} input and {model.FutureFrames} future frames" : "";
            throw new CliException(
                $"The model reads sequences of its {input} input frames{future}, but {data.Description} have {data.FrameCount}. {remedy}");
        }

        return SequenceBatch.FramesFor(data, model);
    }

    /// <summary>Opens a .npy file; a split or a --frames-per-sequence that does not fit the file is a usage error in
    /// the command line's own terms.</summary>
    private NpySequenceFile OpenNpy(ParseResult parsed, NpySequenceOptions options)
    {
        string path = parsed.GetValue(Path)!;
        try
        {
            return NpySequenceFile.Open(path, options);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "options" && options.FrameCount is { } frames)
        {
            // More frames than the file's sequences hold (RequirePositive refused fewer than one).
            throw new CliException(
                $"--frames-per-sequence {frames}: the sequences of '{path}' have {NpySequenceFile.ReadFrameCount(path, options.Layout)} frames each.",
                ExitCodes.Usage);
        }
        catch (ArgumentException e) when (e.ParamName == "options" && options.Split != DataSplit.All)
        {
            // The split does not fit the file (FrameCount's refusal, the other one from options, is caught above).
            int total = NpySequenceFile.ReadSequenceCount(path, options.Layout);
            throw new CliException(
                $"'{path}' holds {total} sequences, but --split {options.Split} needs some on each side of --train-sequences " +
                $"{options.TrainSequenceCount}: pass --train-sequences between 1 and {total - 1}, or --split All for the whole file.",
                ExitCodes.Usage);
        }
    }
}
