namespace LstmAe.MLNet.Internal;

/// <summary>What ML.NET's model header records about a saved component (its internal <c>VersionInfo</c>).</summary>
/// <param name="ModelSignature">Exactly 8 characters identifying the file type.</param>
/// <param name="VersionWritten">Format version this code writes.</param>
/// <param name="VersionReadable">Oldest reader version that can read what this code writes.</param>
/// <param name="VersionWeCanReadBack">Oldest written version this code can still read.</param>
/// <param name="LoaderSignature">Name the loader is registered under in the ComponentCatalog.</param>
/// <param name="LoaderAssemblyName">Assembly that holds the loader; ML.NET loads it before looking the loader up.</param>
internal sealed record ModelVersion(
    string ModelSignature,
    uint VersionWritten,
    uint VersionReadable,
    uint VersionWeCanReadBack,
    string LoaderSignature,
    string LoaderAssemblyName);
