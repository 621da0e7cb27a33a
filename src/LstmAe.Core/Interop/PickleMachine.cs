using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace LstmAe.Interop;

/// <summary>
/// A restricted reader for the pickles <c>torch.save</c> writes (protocols 2 to 5): it builds tuples (object[]),
/// lists, dicts, strings and numbers, and keeps globals, calls and persistent ids as inert records for the caller to
/// interpret. Nothing is imported or executed, and every allocation is bounded by the bytes the pickle holds: the
/// limits below stop opcodes of one or two bytes from building objects, items, stack slots or memo entries without
/// end, and values nest at most <see cref="MaxDepth"/> deep, so a caller may walk them recursively.
/// </summary>
internal sealed class PickleMachine
{
    /// <summary>How deep values may nest (tuples, lists, dicts, calls and persistent ids inside each other): a
    /// state_dict nests 5 deep (the dict, a tensor's call, its arguments, a persistent id, its tuple).</summary>
    public const int MaxDepth = 100;

    /// <summary>How many tuples, lists, dicts, calls and persistent ids a pickle may build: torch.save builds about 8
    /// per tensor, so this is over 30,000 tensors, and some tens of MiB however they are made.</summary>
    public const int MaxObjects = 1 << 18;

    /// <summary>How many values a pickle may put into tuples, lists, dicts and calls (a dict item counts twice):
    /// torch.save puts about 19 per tensor, so this is over 50,000 tensors, and some tens of MiB however they are put
    /// (two-byte opcodes such as NEWTRUE and APPEND add one each).</summary>
    public const int MaxItems = 1 << 20;

    /// <summary>How many values the stack may hold: the pickler pushes a dict's items in batches of 1,000 pairs.</summary>
    public const int MaxStack = 1 << 16;

    /// <summary>How many memo entries a pickle may make: torch.save makes about 9 per tensor, so this is over 50,000
    /// tensors.</summary>
    public const int MaxMemo = 1 << 19;

    /// <summary>The longest string a dict key, or a global's module or name, may be: state_dict keys are module paths
    /// and torch's globals are names of some tens of characters. A key is hashed each time it is set, however often
    /// one long string is set from the memo.</summary>
    public const int MaxNameChars = 1024;

    private static readonly object Mark = new();
    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly Dictionary<long, object?> _memo = [];

    /// <summary>Every container built (by reference): how deep it nests, and whether another container holds it. A
    /// pickler fills a list, dict or object right after writing it, so one that another value already holds is never
    /// filled: no depth recorded goes stale and no container can come to hold itself.</summary>
    private readonly Dictionary<object, Built> _built = new(ReferenceEqualityComparer.Instance);
    private int _itemsPut;
    private int _position;

    /// <summary>The offset of the opcode being run, for messages.</summary>
    private int _opcodeOffset;

    private PickleMachine(byte[] data, string source)
    {
        _data = data;
        _source = source;
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
            _opcodeOffset = _position;
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
                throw Invalid($"{OpcodeHere} does not fit the data before it ({e.Message})", e);
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
            case '(': Push(Mark); break;
            case ')': Push(Array.Empty<object?>()); break;
            case ']': Push(New(new List<object?>())); break;
            case '}': Push(New(new Dictionary<object, object?>())); break;
            case 'N': Push(null); break;
            case '\x88': Push(true); break;
            case '\x89': Push(false); break;
            case 'K': Push((long)Bytes(1)[0]); break;
            case 'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;
            case 'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;
            case '\x8a': Push(Long(Bytes(Bytes(1)[0]))); break; // LONG1
            case 'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break; // BINFLOAT
            case 'X': Push(Encoding.UTF8.GetString(Bytes(Length(4)))); break; // BINUNICODE
            case '\x8c': Push(Encoding.UTF8.GetString(Bytes(Bytes(1)[0]))); break; // SHORT_BINUNICODE
            case 'U': Push(Encoding.Latin1.GetString(Bytes(Bytes(1)[0]))); break; // SHORT_BINSTRING
            case 'T': Push(Encoding.Latin1.GetString(Bytes(Length(4)))); break; // BINSTRING
            case 'C': Push(Bytes(Bytes(1)[0]).ToArray()); break; // SHORT_BINBYTES
            case 'B': Push(Bytes(Length(4)).ToArray()); break; // BINBYTES
            case 'c': Push(Global(Line(), Line())); break; // GLOBAL
            case '\x93': // STACK_GLOBAL
            {
                string name = Pop<string>("STACK_GLOBAL needs a string name");
                Push(Global(Pop<string>("STACK_GLOBAL needs a string module"), name));
                break;
            }

            case 'q': Memoize(Bytes(1)[0]); break; // BINPUT
            case 'r': Memoize((uint)Length(4)); break; // LONG_BINPUT
            case '\x94': Memoize(_memo.Count); break; // MEMOIZE
            case 'h': Push(_memo[Bytes(1)[0]]); break; // BINGET
            case 'j': Push(_memo[(uint)Length(4)]); break; // LONG_BINGET
            case '0': Pop(); break; // POP
            case '2': Push(Peek()); break; // DUP
            case 't': Push(Tuple(PopToMark().ToArray())); break; // TUPLE
            case '\x85': Push(Tuple(PopMany(1))); break; // TUPLE1
            case '\x86': Push(Tuple(PopMany(2))); break; // TUPLE2
            case '\x87': Push(Tuple(PopMany(3))); break; // TUPLE3
            case 'l': // LIST
            {
                List<object?> items = PopToMark();
                Push(New(items, CollectionsMarshal.AsSpan(items)));
                break;
            }

            case 'a': // APPEND
            {
                object? item = Pop();
                List<object?> list = Peek<List<object?>>("APPEND needs a list");
                Fill(list, item);
                list.Add(item);
                break;
            }

            case 'e': // APPENDS
            {
                List<object?> items = PopToMark();
                List<object?> list = Peek<List<object?>>("APPENDS needs a list");
                foreach (object? item in items)
                {
                    Fill(list, item);
                }

                list.AddRange(items);
                break;
            }

            case 's': // SETITEM
            {
                object? value = Pop();
                object? key = Pop();
                SetItem(Peek<Dictionary<object, object?>>("SETITEM needs a dict"), key, value);
                break;
            }

            case 'u': // SETITEMS
            {
                List<object?> items = PopToMark();
                var dict = Peek<Dictionary<object, object?>>("SETITEMS needs a dict");
                for (int i = 0; i + 1 < items.Count; i += 2)
                {
                    SetItem(dict, items[i], items[i + 1]);
                }

                break;
            }

            case 'R': // REDUCE
            {
                object?[] arguments = Pop<object?[]>("REDUCE needs an argument tuple");
                object? callable = Pop();
                // An OrderedDict (a state_dict itself, or empty backward hooks) becomes a dict the SETITEMS after it fill.
                Push(callable is PickleGlobal { Module: "collections", Name: "OrderedDict" } && arguments.Length == 0
                    ? New(new Dictionary<object, object?>())
                    : Call(callable, arguments));
                break;
            }

            case 'b': // BUILD
            {
                object? state = Pop();
                if (Peek() is PickleCall call)
                {
                    Fill(call, state);
                    call.State = state;
                }
                else
                {
                    _ = Peek<Dictionary<object, object?>>("BUILD needs an object or a dict"); // a dict's attributes (a state_dict's _metadata): not needed
                }

                break;
            }

            case 'Q': // BINPERSID: torch.save's is a tuple of strings, a global and numbers
            {
                object?[] id = Pop<object?[]>("BINPERSID needs a tuple");
                Push(New(new PicklePersistentId(id), [id]));
                break;
            }

            // NEWOBJ, NEWOBJ_EX: an object of a Python class (a whole model, an argparse.Namespace in a checkpoint), kept
            // inert like a call so the reader can say what the file holds instead of failing here.
            case '\x81':
            {
                object?[] arguments = Pop<object?[]>("NEWOBJ needs an argument tuple");
                Push(Call(Pop(), arguments));
                break;
            }

            case '\x92':
            {
                var keywords = Pop<Dictionary<object, object?>>("NEWOBJ_EX needs keyword arguments");
                object?[] arguments = Pop<object?[]>("NEWOBJ_EX needs an argument tuple");
                object? type = Pop();
                Push(New(new PickleCall(type, arguments), [type, arguments, keywords]));
                break;
            }

            // INST, OBJ: protocol 0 and 1 objects, which torch.save does not write.
            case 'i' or 'o':
                throw Invalid($"{OpcodeHere} builds a Python object, which a state_dict does not hold " +
                    "(a whole model, an optimizer or another object was saved); save the model's tensors alone, torch.save(model.state_dict(), path)");

            default:
                throw Invalid($"{OpcodeHere} is not one torch.save writes for a state_dict " +
                    "with its default pickle protocol (save it again without pickle_protocol)");
        }

        return false;
    }

    /// <summary>Records a new container holding <paramref name="items"/>, within <see cref="MaxObjects"/>.</summary>
    private T New<T>(T container, ReadOnlySpan<object?> items = default)
        where T : class
    {
        if (_built.Count >= MaxObjects)
        {
            throw Limit($"builds more than {MaxObjects} tuples, lists, dicts, calls and persistent ids", nameof(MaxObjects));
        }

        _built.Add(container, new Built(Depth: 1, Held: false));
        foreach (object? item in items)
        {
            Fill(container, item);
        }

        return container;
    }

    /// <summary>Records that <paramref name="container"/>, new or being filled, holds <paramref name="item"/>.</summary>
    private void Fill(object container, object? item)
    {
        Built outer = _built[container];
        if (outer.Held || ReferenceEquals(item, container))
        {
            throw Invalid($"{OpcodeHere} fills a {PickleValues.Describe(container)} that another value already holds, or with itself");
        }

        if (++_itemsPut > MaxItems)
        {
            throw Limit($"puts more than {MaxItems} values into tuples, lists, dicts and calls", nameof(MaxItems));
        }

        int depth = 1;
        if (item is not null && _built.TryGetValue(item, out Built inner))
        {
            _built[item] = inner with { Held = true };
            depth += inner.Depth;
        }

        if (depth > MaxDepth)
        {
            throw Limit($"nests values more than {MaxDepth} deep", nameof(MaxDepth));
        }

        _built[container] = outer with { Depth = Math.Max(outer.Depth, depth) };
    }

    /// <summary>An inert call of <paramref name="callable"/> (REDUCE, or NEWOBJ's class) with <paramref name="arguments"/>.</summary>
    private PickleCall Call(object? callable, object?[] arguments) => New(new PickleCall(callable, arguments), [callable, arguments]);

    /// <summary>A tuple of <paramref name="items"/>; an empty one is shared and, like a number, holds nothing.</summary>
    private object?[] Tuple(object?[] items) => items.Length == 0 ? items : New(items, items);

    private void SetItem(Dictionary<object, object?> dict, object? key, object? value)
    {
        if (key is null)
        {
            throw Invalid($"{OpcodeHere} sets a None key");
        }

        if (key is string { Length: > MaxNameChars } name)
        {
            throw Limit($"sets a key of {name.Length} characters, more than {MaxNameChars}", nameof(MaxNameChars));
        }

        Fill(dict, key);
        Fill(dict, value);
        dict[key] = value;
    }

    private PickleGlobal Global(string module, string name) =>
        module.Length <= MaxNameChars && name.Length <= MaxNameChars
            ? new PickleGlobal(module, name)
            : throw Limit($"names a global of more than {MaxNameChars} characters", nameof(MaxNameChars));

    private void Push(object? value)
    {
        if (_stack.Count >= MaxStack)
        {
            throw Limit($"holds more than {MaxStack} values on its stack", nameof(MaxStack));
        }

        _stack.Add(value);
    }

    private void Memoize(long index)
    {
        if (_memo.Count >= MaxMemo && !_memo.ContainsKey(index))
        {
            throw Limit($"makes more than {MaxMemo} memo entries", nameof(MaxMemo));
        }

        _memo[index] = Peek();
    }

    private ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || count > _data.Length - _position)
        {
            throw Invalid($"it ends at offset {_data.Length}, inside an opcode that needs {count} more bytes from offset {_position}");
        }

        _position += count;
        return _data.AsSpan(_position - count, count);
    }

    private int Length(int size)
    {
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(Bytes(size));
        return length > int.MaxValue ? -1 : (int)length;
    }

    private string Line()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0)
        {
            throw Invalid($"the name at offset {_position} has no end of line");
        }

        string text = Encoding.ASCII.GetString(_data, _position, end - _position);
        _position = end + 1;
        return text;
    }

    private long Long(ReadOnlySpan<byte> bytes)
    {
        var value = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : throw Invalid($"the integer before offset {_position} exceeds 64 bits");
    }

    private object? Peek() => _stack.Count > 0 && _stack[^1] != Mark ? _stack[^1] : throw Invalid($"the stack is empty at offset {_opcodeOffset}");

    /// <summary>The top of the stack as a <typeparamref name="T"/>; a None or another type is invalid data.</summary>
    private T Peek<T>(string what)
        where T : class => Peek() as T ?? throw Invalid($"{what} at offset {_opcodeOffset}, not {PickleValues.Describe(_stack[^1])}");

    /// <summary>Pops the top of the stack as a <typeparamref name="T"/>; a None or another type is invalid data.</summary>
    private T Pop<T>(string what)
        where T : class
    {
        T top = Peek<T>(what);
        _stack.RemoveAt(_stack.Count - 1);
        return top;
    }

    private object? Pop()
    {
        object? top = Peek();
        _stack.RemoveAt(_stack.Count - 1);
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
        int mark = _stack.LastIndexOf(Mark);
        if (mark < 0)
        {
            throw Invalid($"no MARK before offset {_position}");
        }

        List<object?> items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    /// <summary>The opcode being run and its offset, for messages.</summary>
    private string OpcodeHere => $"opcode 0x{_data[_opcodeOffset]:X2} at offset {_opcodeOffset}";

    private InvalidDataException Invalid(string what, Exception? inner = null) =>
        new($"{_source} is not a pickle torch.save writes: {what}.", inner);

    /// <summary>A limit of this class (named by <paramref name="constant"/>) that the opcode being run exceeds.</summary>
    private InvalidDataException Limit(string what, string constant) => new(
        $"{_source} holds more than a state_dict does: {OpcodeHere} {what}, the limit for a " +
        $"state_dict ({nameof(PickleMachine)}.{constant}). Save the model's tensors alone: torch.save(model.state_dict(), path).");

    /// <summary>How deep a container nests (1 when it holds no container), and whether another container holds it.</summary>
    private readonly record struct Built(int Depth, bool Held);
}
