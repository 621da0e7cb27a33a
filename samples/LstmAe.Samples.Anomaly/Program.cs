Console.WriteLine("not yet implemented");
return 1;
