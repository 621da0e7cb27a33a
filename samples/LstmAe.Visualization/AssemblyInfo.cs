namespace LstmAe.Visualization;
