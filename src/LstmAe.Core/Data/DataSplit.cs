namespace LstmAe.Data;

/// <summary>Which part of a data source to use: the conventional train/test split of its items.</summary>
public enum DataSplit
{
    /// <summary>Every item.</summary>
    All,
    /// <summary>The leading items (the training part).</summary>
    Train,
    /// <summary>The trailing items (the held-out part).</summary>
    Test,
}
