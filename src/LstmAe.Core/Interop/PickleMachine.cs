using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace LstmAe.Interop;

/// <summary>
/// A restricted reader for the pickles <c>torch.save</c> writes (protocols 2 to 5): it builds tuples (object[]),
/// lists, dicts, strings and numbers, and keeps globals, calls and persistent ids as inert records for the caller to
/// interpret. Nothing is imported or executed, and every allocation is bounded by the bytes the pickle holds.
/// </summary>
internal sealed class PickleMachine
{
    private static readonly object Mark = new();
    private readonly byte[] data;
    private readonly string source;
    private readonly List<object?> stack = [];
    private readonly Dictionary<long, object?> memo = [];
    private int position;

    private PickleMachine(byte[] data, string source)
    {
        this.data = data;
        this.source = source;
    }

    /// <summary>Runs the pickle in <paramref name="data"/> to its STOP and returns the result.</summary>
    /// <param name="data">The whole pickle.</param>
    /// <param name="source">Names the pickle in messages (file and entry).</param>
    /// <exception cref="InvalidDataException">An unknown or unsupported opcode, or a malformed or truncated pickle;
    /// the message names the source and the offset.</exception>
    public static object? Load(byte[] data, string source) => new PickleMachine(data, source).Run();

    private object? Run()
    {
        while (true)
        {
            int at = position;
            byte opcode = Bytes(1)[0];
            try
            {
                if (Step(opcode))
                {
                    return Pop();
                }
            }
            catch (Exception e) when (e is InvalidCastException or NullReferenceException or ArgumentException or KeyNotFoundException or IndexOutOfRangeException)
            {
                throw Invalid($"opcode 0x{opcode:X2} at offset {at} does not fit the data before it ({e.Message})", e);
            }
        }
    }

    /// <summary>Executes one opcode; true at STOP.</summary>
    private bool Step(byte opcode)
    {
        switch ((char)opcode)
        {
            case '\x80': Bytes(1); break; // PROTO
            case '\x95': Bytes(8); break; // FRAME: framing only
            case '.': return true; // STOP
            case '(': stack.Add(Mark); break;
            case ')': stack.Add(Array.Empty<object?>()); break;
            case ']': stack.Add(new List<object?>()); break;
            case '}': stack.Add(new Dictionary<object, object?>()); break;
            case 'N': stack.Add(null); break;
            case '\x88': stack.Add(true); break;
            case '\x89': stack.Add(false); break;
            case 'K': stack.Add((long)Bytes(1)[0]); break;
            case 'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;
            case 'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;
            case '\x8a': stack.Add(Long(Bytes(Bytes(1)[0]))); break; // LONG1
            case 'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break; // BINFLOAT
            case 'X': stack.Add(Encoding.UTF8.GetString(Bytes(Length(4)))); break; // BINUNICODE
            case '\x8c': stack.Add(Encoding.UTF8.GetString(Bytes(Bytes(1)[0]))); break; // SHORT_BINUNICODE
            case 'U': stack.Add(Encoding.Latin1.GetString(Bytes(Bytes(1)[0]))); break; // SHORT_BINSTRING
            case 'T': stack.Add(Encoding.Latin1.GetString(Bytes(Length(4)))); break; // BINSTRING
            case 'C': stack.Add(Bytes(Bytes(1)[0]).ToArray()); break; // SHORT_BINBYTES
            case 'B': stack.Add(Bytes(Length(4)).ToArray()); break; // BINBYTES
            case 'c': stack.Add(new PickleGlobal(Line(), Line())); break; // GLOBAL
            case '\x93': // STACK_GLOBAL
            {
                string name = Pop<string>("STACK_GLOBAL needs a string name");
                stack.Add(new PickleGlobal(Pop<string>("STACK_GLOBAL needs a string module"), name));
                break;
            }

            case 'q': memo[Bytes(1)[0]] = Peek(); break; // BINPUT
            case 'r': memo[(uint)Length(4)] = Peek(); break; // LONG_BINPUT
            case '\x94': memo[memo.Count] = Peek(); break; // MEMOIZE
            case 'h': stack.Add(memo[Bytes(1)[0]]); break; // BINGET
            case 'j': stack.Add(memo[(uint)Length(4)]); break; // LONG_BINGET
            case '0': Pop(); break; // POP
            case '2': stack.Add(Peek()); break; // DUP
            case 't': stack.Add(PopToMark().ToArray()); break; // TUPLE
            case '\x85': stack.Add(PopMany(1)); break; // TUPLE1
            case '\x86': stack.Add(PopMany(2)); break; // TUPLE2
            case '\x87': stack.Add(PopMany(3)); break; // TUPLE3
            case 'l': stack.Add(PopToMark()); break; // LIST
            case 'a': // APPEND
            {
                object? item = Pop();
                Peek<List<object?>>("APPEND needs a list").Add(item);
                break;
            }

            case 'e': // APPENDS
            {
                List<object?> items = PopToMark();
                Peek<List<object?>>("APPENDS needs a list").AddRange(items);
                break;
            }

            case 's': // SETITEM
            {
                object? value = Pop();
                object key = Pop() ?? throw Invalid($"SETITEM before offset {position} has a None key");
                Peek<Dictionary<object, object?>>("SETITEM needs a dict")[key] = value;
                break;
            }

            case 'u': // SETITEMS
            {
                List<object?> items = PopToMark();
                var dict = Peek<Dictionary<object, object?>>("SETITEMS needs a dict");
                for (int i = 0; i + 1 < items.Count; i += 2)
                {
                    dict[items[i] ?? throw Invalid($"SETITEMS before offset {position} has a None key")] = items[i + 1];
                }

                break;
            }

            case 'R': // REDUCE
            {
                object?[] arguments = Pop<object?[]>("REDUCE needs an argument tuple");
                object? callable = Pop();
                // An OrderedDict (a state_dict itself, or empty backward hooks) becomes a dict the SETITEMS after it fill.
                stack.Add(callable is PickleGlobal { Module: "collections", Name: "OrderedDict" } && arguments.Length == 0
                    ? new Dictionary<object, object?>()
                    : new PickleCall(callable, arguments));
                break;
            }

            case 'b': // BUILD
            {
                object? state = Pop();
                if (Peek() is PickleCall call)
                {
                    call.State = state;
                }
                else
                {
                    _ = Peek<Dictionary<object, object?>>("BUILD needs an object or a dict"); // a dict's attributes (a state_dict's _metadata): not needed
                }

                break;
            }

            case 'Q': stack.Add(new PicklePersistentId(Pop())); break; // BINPERSID
            default:
                throw Invalid($"opcode 0x{opcode:X2} at offset {position - 1} is not one torch.save writes for a state_dict");
        }

        return false;
    }

    private ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || count > data.Length - position)
        {
            throw Invalid($"it ends at offset {data.Length}, inside an opcode that needs {count} more bytes from offset {position}");
        }

        position += count;
        return data.AsSpan(position - count, count);
    }

    private int Length(int size)
    {
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(Bytes(size));
        return length > int.MaxValue ? -1 : (int)length;
    }

    private string Line()
    {
        int end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0)
        {
            throw Invalid($"the name at offset {position} has no end of line");
        }

        string text = Encoding.ASCII.GetString(data, position, end - position);
        position = end + 1;
        return text;
    }

    private long Long(ReadOnlySpan<byte> bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : throw Invalid($"the integer before offset {position} exceeds 64 bits");
    }

    private object? Peek() => stack.Count > 0 && stack[^1] != Mark ? stack[^1] : throw Invalid($"the stack is empty at offset {position}");

    /// <summary>The top of the stack as a <typeparamref name="T"/>; a None or another type is invalid data.</summary>
    private T Peek<T>(string what)
        where T : class => Peek() as T ?? throw Invalid($"{what} at offset {position}, not {Describe(stack[^1])}");

    /// <summary>Pops the top of the stack as a <typeparamref name="T"/>; a None or another type is invalid data.</summary>
    private T Pop<T>(string what)
        where T : class
    {
        T top = Peek<T>(what);
        stack.RemoveAt(stack.Count - 1);
        return top;
    }

    private static string Describe(object? value) => value is null ? "None" : value.GetType().Name;

    private object? Pop()
    {
        object? top = Peek();
        stack.RemoveAt(stack.Count - 1);
        return top;
    }

    private object?[] PopMany(int count)
    {
        var items = new object?[count];
        for (int i = count - 1; i >= 0; i--)
        {
            items[i] = Pop();
        }

        return items;
    }

    private List<object?> PopToMark()
    {
        int mark = stack.LastIndexOf(Mark);
        if (mark < 0)
        {
            throw Invalid($"no MARK before offset {position}");
        }

        List<object?> items = stack.GetRange(mark + 1, stack.Count - mark - 1);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private InvalidDataException Invalid(string what, Exception? inner = null) =>
        new($"{source} is not a pickle torch.save writes: {what}.", inner);
}
